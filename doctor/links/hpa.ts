/**
 * Link 8: the HPA reads the metric: the names it asks the custom metrics API for are served by
 * the adapter, its ScalingActive condition is True and it has a current value.
 */
import { QUEUE_METRIC, Verdict } from "../types";

export interface HpaFacts {
    namespace: string;
    /** Undefined when the stack has no HPA (autoscaling off). */
    name?: string;
    found: boolean;
    /** Names of its Pods and Object metrics (what it asks custom.metrics.k8s.io for). */
    customMetricNames: string[];
    /** Metric names the adapter serves (from its resource list), when known. */
    served?: string[];
    scalingActive?: { status: string; reason?: string; message?: string };
    /** Current average of its first Pods metric, as the API reports it (`0`, `2500m`). */
    currentValue?: string;
    target?: string;
    currentReplicas?: number;
}

export function judgeHpa(f: HpaFacts): Verdict {
    if (!f.name) return { status: "not checked", detail: "the stack has no HPA (autoscaling is off)" };
    const ref = `HPA ${f.namespace}/${f.name}`;
    if (!f.found) return { status: "broken", detail: `${ref} does not exist`, fix: "pulumi up the stack (or pass the HPA's name with --hpa)" };
    const unserved = f.served ? f.customMetricNames.filter((n) => !f.served!.includes(n)) : [];
    if (unserved.length > 0) {
        return {
            status: "broken",
            detail: `${ref} asks for ${unserved.map((n) => `"${n}"`).join(", ")}, which the adapter does not serve (it serves ${f.served!.length ? f.served!.join(", ") : "nothing"})`,
            fix: `scale on the Pods metric ${QUEUE_METRIC} as the component does (a hand-edited HPA drifted: pulumi up restores it), or add an adapter rule for that name`,
        };
    }
    const a = f.scalingActive;
    if (!a) return { status: "broken", detail: `${ref} has no ScalingActive condition yet`, fix: "wait one HPA sync (15 s); if it stays, kube-controller-manager is not running its HPA controller" };
    if (a.status !== "True") {
        return {
            status: "broken",
            detail: `${ref} ScalingActive=${a.status} (${a.reason ?? ""}${a.message ? `: ${a.message}` : ""})`,
            fix: "fix the first broken link above; the HPA recovers at its next sync (15 s). A FailedGetPodsMetric with every link ok means the adapter's relist has not caught up yet",
        };
    }
    if (f.currentValue === undefined) {
        return { status: "broken", detail: `${ref} ScalingActive=True but no current value of ${f.customMetricNames[0] ?? "its metric"}`, fix: "wait one HPA sync (15 s)" };
    }
    return {
        status: "ok",
        detail: `${ref} ScalingActive=True, ${f.customMetricNames[0] ?? "metric"} = ${f.currentValue} per pod${f.target ? ` (target ${f.target})` : ""}, ${f.currentReplicas ?? "?"} replicas`,
    };
}
