/**
 * Small helpers shared by the policies. Everything about Kubernetes objects lives in the
 * shared parser (@vllm-pulumi/kube-parser, packages/kube-parser); this file only bridges it to the policy API.
 */
import type { PolicyConfigSchema, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { kubeObject, KubeObject } from "@vllm-pulumi/kube-parser";

/** The Kubernetes object a resource policy is looking at, or undefined for anything else. */
export function objectOf(args: ResourceValidationArgs): KubeObject | undefined {
    return kubeObject(args.type, args.props);
}

/**
 * The policy's config with the schema's defaults filled in. The engine applies them too,
 * but a policy must behave the same when run without it (tests, check-manifests).
 */
export function configOf<T extends object>(args: ResourceValidationArgs | StackValidationArgs, schema: PolicyConfigSchema): T {
    const defaults: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(schema.properties)) {
        if (prop.default !== undefined) defaults[key] = prop.default;
    }
    return { ...defaults, ...args.getConfig<T>() } as T;
}
