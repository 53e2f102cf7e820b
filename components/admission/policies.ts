/**
 * The admission guardrails as plain Kubernetes objects: one ValidatingAdmissionPolicy per rule
 * (admissionregistration.k8s.io/v1, CEL from ./cel) and one binding per policy carrying the
 * rule's enforcement (Deny, or Warn + Audit). Built from typed options, never from YAML text;
 * ./yaml.ts renders them as YAML for kubectl/GitOps users (scripts/admission-yaml.ts writes
 * admission/vllm-guardrails.yaml), components/guardrails.ts creates them with Pulumi.
 */
import { parseQuantity } from "@vllm-pulumi/kube-parser";
import { autoscalingVariables } from "./cel/autoscaling";
import { imageVariables } from "./cel/image";
import { CelVariable } from "./cel/lang";
import { parallelVariables } from "./cel/parallelism";
import { shmVariables } from "./cel/shm";
import { tpVariables } from "./cel/tpGpus";
import { WORKLOAD_VARIABLES } from "./cel/workload";
import { ENFORCEMENT_LEVELS, EnforcementLevel, ResourceRule, RULE_IDS, RuleId, RULES, VALIDATION_ACTIONS } from "./rules";

/** A Kubernetes label selector (matchLabels / matchExpressions), for the namespaces the bindings apply to. */
const SELECTOR_OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"] as const;

export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{ key: string; operator: (typeof SELECTOR_OPERATORS)[number]; values?: string[] }>;
}

export interface GuardrailOptions {
    /** Which rules to install (default: all four). */
    rules?: RuleId[];
    /** Enforcement per rule, in the pack's words (default: mandatory, as in the pack). */
    enforcement?: Partial<Record<RuleId, EnforcementLevel>>;
    /** Only objects in namespaces matching this selector are checked (default: every namespace). */
    namespaceSelector?: LabelSelector;
    /** vllm-image-pinned: accept only sha256 digests (the pack's requireDigest). Default false. */
    requireDigest?: boolean;
    /** vllm-shm-size: the smallest acceptable /dev/shm sizeLimit (the pack's minSize). Default 2Gi. */
    minShmSize?: string;
}

/** Bad options: every problem, each naming its key. */
export class GuardrailOptionsError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid guardrail options:\n  ${problems.join("\n  ")}`);
        this.name = "GuardrailOptionsError";
    }
}

export interface ValidatingAdmissionPolicy {
    apiVersion: "admissionregistration.k8s.io/v1";
    kind: "ValidatingAdmissionPolicy";
    metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
    spec: {
        failurePolicy: "Fail";
        matchConstraints: { matchPolicy: "Equivalent"; resourceRules: ResourceRule[] };
        variables: CelVariable[];
        validations: Array<{ expression: string; messageExpression: string; message: string; reason: "Invalid" }>;
    };
}

export interface ValidatingAdmissionPolicyBinding {
    apiVersion: "admissionregistration.k8s.io/v1";
    kind: "ValidatingAdmissionPolicyBinding";
    metadata: { name: string; labels: Record<string, string> };
    spec: { policyName: string; validationActions: string[]; matchResources?: { namespaceSelector: LabelSelector } };
}

export type GuardrailObject = ValidatingAdmissionPolicy | ValidatingAdmissionPolicyBinding;

/** Label on every object, so `kubectl get validatingadmissionpolicies -l app.kubernetes.io/part-of=vllm-guardrails` lists them. */
export const PART_OF = { "app.kubernetes.io/part-of": "vllm-guardrails" };
export const DEFAULT_MIN_SHM_SIZE = "2Gi";

/** The variables and the list of messages (`variables.<problems>`) of each rule. */
function ruleCel(id: RuleId, o: Required<Pick<GuardrailOptions, "requireDigest" | "minShmSize">>): { variables: CelVariable[]; problems: string } {
    switch (id) {
        case "vllm-image-pinned":
            return { variables: [...WORKLOAD_VARIABLES, ...imageVariables(o.requireDigest)], problems: "imageProblems" };
        case "vllm-tp-matches-gpus":
            return { variables: [...WORKLOAD_VARIABLES, ...parallelVariables(), ...tpVariables()], problems: "tpProblems" };
        case "vllm-shm-size":
            return { variables: [...WORKLOAD_VARIABLES, ...parallelVariables(), ...shmVariables(o.minShmSize)], problems: "shmProblems" };
        case "hpa-no-gpu-utilization":
            return { variables: autoscalingVariables(), problems: "gpuMetricProblems" };
    }
}

export function validateGuardrailOptions(o: GuardrailOptions): void {
    const problems: string[] = [];
    const known = (id: unknown) => (RULE_IDS as readonly unknown[]).includes(id);
    (o.rules ?? []).forEach((id, i) => {
        if (!known(id)) problems.push(`rules[${i}]: "${String(id).slice(0, 80)}" is not a rule (${RULE_IDS.join(", ")})`);
    });
    for (const [id, level] of Object.entries(o.enforcement ?? {})) {
        if (!known(id)) problems.push(`enforcement: "${id.slice(0, 80)}" is not a rule (${RULE_IDS.join(", ")})`);
        else if (!(ENFORCEMENT_LEVELS as readonly unknown[]).includes(level)) problems.push(`enforcement.${id}: ${JSON.stringify(level)?.slice(0, 80)} is not one of ${ENFORCEMENT_LEVELS.join(", ")}`);
    }
    if (o.minShmSize !== undefined && (typeof o.minShmSize !== "string" || o.minShmSize.length > 64 || parseQuantity(o.minShmSize) === undefined || parseQuantity(o.minShmSize)! <= 0)) {
        problems.push(`minShmSize: ${JSON.stringify(String(o.minShmSize).slice(0, 80))} is not a positive Kubernetes quantity (e.g. 2Gi)`);
    }
    if (o.requireDigest !== undefined && typeof o.requireDigest !== "boolean") problems.push(`requireDigest: must be true or false`);
    (o.namespaceSelector?.matchExpressions ?? []).forEach((e, i) => {
        if (!(SELECTOR_OPERATORS as readonly unknown[]).includes(e?.operator)) {
            problems.push(`namespaceSelector.matchExpressions[${i}].operator: ${JSON.stringify(e?.operator)?.slice(0, 80)} is not one of ${SELECTOR_OPERATORS.join(", ")}`);
        }
    });
    if (problems.length > 0) throw new GuardrailOptionsError(problems);
}

/** The policy for one rule. */
export function guardrailPolicy(id: RuleId, o: GuardrailOptions = {}): ValidatingAdmissionPolicy {
    const rule = RULES[id];
    const cel = ruleCel(id, { requireDigest: o.requireDigest ?? false, minShmSize: o.minShmSize ?? DEFAULT_MIN_SHM_SIZE });
    return {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingAdmissionPolicy",
        metadata: { name: id, labels: { ...PART_OF }, annotations: { "vllm-pulumi/description": rule.description } },
        spec: {
            failurePolicy: "Fail",
            matchConstraints: { matchPolicy: "Equivalent", resourceRules: rule.resourceRules },
            variables: cel.variables,
            validations: [
                {
                    expression: `variables.${cel.problems}.size() == 0`,
                    // One line per violation in the pack; here one message, the pack's messages joined.
                    messageExpression: `variables.${cel.problems}.join(' ')`,
                    // The API server falls back to this when the joined messages exceed 5 KiB.
                    message: rule.description,
                    reason: "Invalid",
                },
            ],
        },
    };
}

/** The binding that puts one rule's policy into force at a level. */
export function guardrailBinding(id: RuleId, level: Exclude<EnforcementLevel, "disabled">, namespaceSelector?: LabelSelector): ValidatingAdmissionPolicyBinding {
    return {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingAdmissionPolicyBinding",
        metadata: { name: id, labels: { ...PART_OF } },
        spec: { policyName: id, validationActions: VALIDATION_ACTIONS[level], ...(namespaceSelector ? { matchResources: { namespaceSelector } } : {}) },
    };
}

/** Every policy and binding the options ask for (a disabled rule gets neither). */
export function guardrailObjects(o: GuardrailOptions = {}): GuardrailObject[] {
    validateGuardrailOptions(o);
    const out: GuardrailObject[] = [];
    for (const id of o.rules ?? RULE_IDS) {
        const level = o.enforcement?.[id] ?? "mandatory";
        if (level === "disabled") continue;
        out.push(guardrailPolicy(id, o), guardrailBinding(id, level, o.namespaceSelector));
    }
    return out;
}
