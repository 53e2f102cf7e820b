/**
 * Which objects the pack inspects, so that a summary can say what it did not look at instead
 * of silently counting it as checked.
 */
import { isOperatorServerKind } from "./operators";
import { isHpa, isScaledObject, isWorkload, KubeObject } from "./workload";

/**
 * API groups whose kinds are all known: Kubernetes' own (workloads are inspected, the rest hold
 * no container and no autoscaling metric), and the Prometheus Operator's.
 */
const KNOWN_GROUPS = new Set([
    "",
    "apps",
    "batch",
    "extensions",
    "autoscaling",
    "policy",
    "rbac.authorization.k8s.io",
    "networking.k8s.io",
    "storage.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "certificates.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "resource.k8s.io",
    "monitoring.coreos.com",
]);

/**
 * `inspected`: a policy reads it (workloads, LeaderWorkerSets, KServe runtimes and services,
 * autoscalers, ServiceMonitors and Services; KubeAI Models and Dynamo graphs for TP against
 * GPUs); `known`: a kind that can hold nothing the pack checks (ConfigMap, Role, ...); `unknown`:
 * a custom resource the pack does not understand, which may well run a vLLM server (KubeRay,
 * KServe's LLMInferenceService, llm-d's InferencePool...).
 */
export type Coverage = "inspected" | "known" | "unknown";

export function coverageOf(obj: KubeObject): Coverage {
    if (isWorkload(obj) || isHpa(obj) || isScaledObject(obj) || isOperatorServerKind(obj)) return "inspected";
    if ((obj.group === "" && obj.kind === "Service") || (obj.group === "monitoring.coreos.com" && obj.kind === "ServiceMonitor")) return "inspected";
    return KNOWN_GROUPS.has(obj.group) ? "known" : "unknown";
}
