/** Link 1: the Deployment's pods are Ready (the readiness probe on /health passes). */
import { Verdict } from "../types";

export interface PodFact {
    name: string;
    ready: boolean;
    /** Being deleted: neither counted nor blamed. */
    terminating: boolean;
    /** Why it is not Ready: a container's waiting reason, or the Ready condition's message. */
    reason?: string;
    restarts: number;
}

export interface PodsFacts {
    namespace: string;
    deployment: string;
    pods: PodFact[];
}

export function judgePods(f: PodsFacts): Verdict {
    const live = f.pods.filter((p) => !p.terminating);
    if (live.length === 0) {
        return {
            status: "broken",
            detail: `Deployment ${f.namespace}/${f.deployment} has no pods`,
            fix: `kubectl -n ${f.namespace} describe deployment ${f.deployment} (replicas 0, unschedulable for lack of nvidia.com/gpu, quota?) and kubectl -n ${f.namespace} get events`,
        };
    }
    const notReady = live.filter((p) => !p.ready);
    if (notReady.length > 0) {
        const first = notReady[0];
        const list = notReady.map((p) => `${p.name}${p.reason ? ` (${p.reason})` : ""}${p.restarts ? `, ${p.restarts} restarts` : ""}`).join("; ");
        return {
            status: "broken",
            detail: `${notReady.length}/${live.length} pods not Ready: ${list}`,
            fix:
                `kubectl -n ${f.namespace} describe pod ${first.name} and kubectl -n ${f.namespace} logs ${first.name}: ` +
                "the readiness probe (/health) fails, or the model is still loading (raise startupTimeoutSeconds for large weights)",
        };
    }
    return { status: "ok", detail: `${live.length}/${live.length} pods Ready (${live.map((p) => p.name).join(", ")})` };
}
