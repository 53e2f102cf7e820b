import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { guardrailBinding, guardrailPolicy, GuardrailOptions, RULE_IDS, validateGuardrailOptions } from "../admission";
import type { EnforcementLevel, LabelSelector, RuleId } from "../admission";

/** Arguments of VllmGuardrails; every one is optional. */
export interface VllmGuardrailsArgs {
    /** Which rules to install: vllm-image-pinned, vllm-tp-matches-gpus, hpa-no-gpu-utilization, vllm-shm-size (default: all). */
    rules?: RuleId[];
    /**
     * Enforcement per rule, in the policy pack's words: mandatory (the API server refuses the
     * object), advisory (it admits it with a warning and an audit annotation) or disabled. Default mandatory.
     */
    enforcement?: Partial<Record<RuleId, EnforcementLevel>>;
    /** Only objects in namespaces whose labels match are checked (default: every namespace). */
    namespaceSelector?: LabelSelector;
    /** vllm-image-pinned accepts only sha256 digests (default false: a version tag is enough). */
    requireDigest?: boolean;
    /** vllm-shm-size: the smallest /dev/shm sizeLimit a multi-GPU server may have (default 2Gi). */
    minShmSize?: string;
}

/**
 * The vLLM rules at admission time, for everything that reaches the cluster (kubectl, Helm,
 * GitOps), not only what goes through Pulumi: one ValidatingAdmissionPolicy and binding per rule
 * (admission/). Cluster-scoped and opt-in: create it once per cluster, e.g. in its own stack.
 * Bad args fail before anything is registered, with every problem named.
 */
export class VllmGuardrails extends pulumi.ComponentResource {
    /** Names of the ValidatingAdmissionPolicies (= the rule ids). */
    public readonly policyNames: pulumi.Output<string[]>;

    constructor(name: string, args: VllmGuardrailsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const options: GuardrailOptions = { ...args };
        validateGuardrailOptions(options);
        super("vllm:index:VllmGuardrails", name, {}, opts);
        const names: string[] = [];
        for (const id of args.rules ?? RULE_IDS) {
            const level = args.enforcement?.[id] ?? "mandatory";
            if (level === "disabled") continue;
            const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-${id}`, guardrailPolicy(id, options), { parent: this });
            // The binding names the policy; created after it so it never points at nothing.
            new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-${id}`, guardrailBinding(id, level, args.namespaceSelector), { parent: this, dependsOn: [policy] });
            names.push(id);
        }
        this.policyNames = pulumi.output(names);
        this.registerOutputs({ policyNames: this.policyNames });
    }
}
