import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { guardrailBinding, guardrailPolicy, GuardrailOptions, RULE_IDS, validateGuardrailOptions } from "./admission";

/** One label requirement of a namespace selector. */
export interface GuardrailsNamespaceRequirement {
    /** The label key. */
    key: string;
    /** In, NotIn, Exists or DoesNotExist. */
    operator: string;
    /** The values for In and NotIn. */
    values?: string[];
}

/** A namespace label selector (Kubernetes LabelSelector). */
export interface GuardrailsNamespaceSelector {
    /** Labels a namespace must have. */
    matchLabels?: { [label: string]: string };
    /** Label requirements, all of which must hold. */
    matchExpressions?: GuardrailsNamespaceRequirement[];
}

/**
 * Arguments of VllmGuardrails; every one is optional. Plain data (strings, lists, maps) so the
 * component package's schema can describe them; values are checked when the component is created.
 */
export interface VllmGuardrailsArgs {
    /** Which rules to install: vllm-image-pinned, vllm-tp-matches-gpus, hpa-no-gpu-utilization, vllm-shm-size (default: all). */
    rules?: string[];
    /**
     * Enforcement per rule id, in the policy pack's words: mandatory (the API server refuses the
     * object), advisory (it admits it with a warning and an audit annotation) or disabled. Default mandatory.
     */
    enforcement?: { [rule: string]: string };
    /** Only objects in namespaces whose labels match are checked (default: every namespace). */
    namespaceSelector?: GuardrailsNamespaceSelector;
    /** vllm-image-pinned accepts only sha256 digests (default false: a version tag is enough). */
    requireDigest?: boolean;
    /** vllm-shm-size: the smallest /dev/shm sizeLimit a multi-GPU server may have (default 2Gi). */
    minShmSize?: string;
}

/**
 * The vLLM rules at admission time, for everything that reaches the cluster (kubectl, Helm,
 * GitOps), not only what goes through Pulumi: one ValidatingAdmissionPolicy and binding per rule
 * (./admission; admission/vllm-guardrails.yaml holds the same for kubectl). Cluster-scoped and
 * opt-in: create it once per cluster, e.g. in its own stack.
 * Bad args fail before anything is registered, with every problem named.
 */
export class VllmGuardrails extends pulumi.ComponentResource {
    /** Names of the ValidatingAdmissionPolicies (= the rule ids). */
    public readonly policyNames: pulumi.Output<string[]>;

    constructor(name: string, args: VllmGuardrailsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        // Checked here (rule ids, levels, selector operators, sizes), so the plain types are safe to narrow.
        const options = { ...args } as GuardrailOptions;
        validateGuardrailOptions(options);
        super("vllm:index:VllmGuardrails", name, {}, opts);
        const names: string[] = [];
        for (const id of options.rules ?? RULE_IDS) {
            const level = options.enforcement?.[id] ?? "mandatory";
            if (level === "disabled") continue;
            const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-${id}`, guardrailPolicy(id, options), { parent: this });
            // The binding names the policy; created after it so it never points at nothing.
            new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-${id}`, guardrailBinding(id, level, options.namespaceSelector), { parent: this, dependsOn: [policy] });
            names.push(id);
        }
        this.policyNames = pulumi.output(names);
        this.registerOutputs({ policyNames: this.policyNames });
    }
}
