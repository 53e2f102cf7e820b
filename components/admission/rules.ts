/**
 * The rules the admission policies enforce: the policy pack's ids, what each matches, and the
 * enforcement levels in the pack's words (policy/config/*.json) with the binding actions they map to.
 */
/** The pack's policy ids that have an admission policy of the same name. */
export const RULE_IDS = ["vllm-image-pinned", "vllm-tp-matches-gpus", "hpa-no-gpu-utilization", "vllm-shm-size"] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** The pack's enforcement levels that apply at admission ("remediate" has no admission meaning). */
export const ENFORCEMENT_LEVELS = ["mandatory", "advisory", "disabled"] as const;
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

/** `validationActions` of a binding: mandatory denies; advisory warns the client and records an audit annotation. */
export const VALIDATION_ACTIONS: Record<Exclude<EnforcementLevel, "disabled">, string[]> = {
    mandatory: ["Deny"],
    advisory: ["Warn", "Audit"],
};

/** A `resourceRules` entry of matchConstraints (admissionregistration.k8s.io/v1 NamedRuleWithOperations). */
export interface ResourceRule {
    apiGroups: string[];
    apiVersions: string[];
    resources: string[];
    operations: string[];
}

const WRITES = ["CREATE", "UPDATE"];

/** Every kind with a pod template the pack reads (workload.ts), LeaderWorkerSets where their CRD is installed. */
export const WORKLOAD_RULES: ResourceRule[] = [
    { apiGroups: [""], apiVersions: ["v1"], resources: ["pods", "replicationcontrollers"], operations: WRITES },
    { apiGroups: ["apps"], apiVersions: ["v1"], resources: ["deployments", "statefulsets", "daemonsets", "replicasets"], operations: WRITES },
    { apiGroups: ["batch"], apiVersions: ["v1"], resources: ["jobs", "cronjobs"], operations: WRITES },
    { apiGroups: ["leaderworkerset.x-k8s.io"], apiVersions: ["*"], resources: ["leaderworkersets"], operations: WRITES },
];

/** HPAs (other versions are converted to v2 by matchPolicy Equivalent) and KEDA ScaledObjects. */
export const AUTOSCALER_RULES: ResourceRule[] = [
    { apiGroups: ["autoscaling"], apiVersions: ["v2"], resources: ["horizontalpodautoscalers"], operations: WRITES },
    { apiGroups: ["keda.sh"], apiVersions: ["*"], resources: ["scaledobjects"], operations: WRITES },
];

export interface RuleInfo {
    id: RuleId;
    description: string;
    resourceRules: ResourceRule[];
}

export const RULES: Record<RuleId, RuleInfo> = {
    "vllm-image-pinned": {
        id: "vllm-image-pinned",
        description: "A vLLM container's image must be pinned to a version tag or a sha256 digest.",
        resourceRules: WORKLOAD_RULES,
    },
    "vllm-tp-matches-gpus": {
        id: "vllm-tp-matches-gpus",
        description: "A vLLM server's tensor-parallel size (x pipeline-parallel x data-parallel size) must equal its GPU limit; in a LeaderWorkerSet, the group's GPUs.",
        resourceRules: WORKLOAD_RULES,
    },
    "hpa-no-gpu-utilization": {
        id: "hpa-no-gpu-utilization",
        description: "HorizontalPodAutoscalers and KEDA ScaledObjects must not scale on GPU utilization.",
        resourceRules: AUTOSCALER_RULES,
    },
    "vllm-shm-size": {
        id: "vllm-shm-size",
        description: "A vLLM server running more than one GPU worker must mount a memory-backed /dev/shm of at least the minimum size.",
        resourceRules: WORKLOAD_RULES,
    },
};

/**
 * The admission rules' levels in a policy pack config (policy/config/prod.json): `"id": "level"`
 * or `"id": { "enforcementLevel": "level", ... }`; rules the config does not name are mandatory
 * (every one of them is mandatory in the pack itself).
 */
export function enforcementFromPackConfig(config: Record<string, unknown>): Record<RuleId, EnforcementLevel> {
    const out = {} as Record<RuleId, EnforcementLevel>;
    for (const id of RULE_IDS) {
        const entry = config[id];
        const level = typeof entry === "string" ? entry : (entry as { enforcementLevel?: unknown } | undefined)?.enforcementLevel ?? "mandatory";
        if (!(ENFORCEMENT_LEVELS as readonly unknown[]).includes(level)) {
            throw new Error(`${id}: enforcement level ${JSON.stringify(level)} is not one of ${ENFORCEMENT_LEVELS.join(", ")}`);
        }
        out[id] = level as EnforcementLevel;
    }
    return out;
}
