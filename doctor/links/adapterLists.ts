/**
 * Link 6: the adapter lists the metric (`pods/vllm:num_requests_waiting` among the resources of
 * /apis/custom.metrics.k8s.io/v1beta1) and returns values for the namespace's pods
 * (/namespaces/NS/pods/{asterisk}/vllm:num_requests_waiting).
 */
import { QUEUE_METRIC, Verdict } from "../types";

export interface AdapterListsFacts {
    namespace: string;
    /** Resource names the adapter lists (`pods/vllm:num_requests_waiting`); undefined with discoveryError. */
    resources?: string[];
    discoveryError?: string;
    /** Per-pod values; undefined with valuesError. */
    values?: { pod: string; value: string }[];
    valuesError?: string;
    /** The adapter-timing link found the relist window shorter than the scrape: the likely cause. */
    timingBroken: boolean;
}

export const QUEUE_RESOURCE = `pods/${QUEUE_METRIC}`;

export function judgeAdapterLists(f: AdapterListsFacts): Verdict {
    const timingHint = "the adapter's relist window is shorter than the scrape interval (see adapter-timing): fix that first";
    if (!f.resources) {
        return {
            status: "broken",
            detail: `GET /apis/custom.metrics.k8s.io/v1beta1 failed: ${f.discoveryError ?? "no answer"}`,
            fix: "the custom-metrics API does not answer: see the APIService link",
        };
    }
    if (!f.resources.includes(QUEUE_RESOURCE)) {
        const listed = f.resources.length ? `it lists ${f.resources.length} others, e.g. ${f.resources.slice(0, 3).join(", ")}` : "it lists no resources at all";
        return {
            status: "broken",
            detail: `the adapter does not list ${QUEUE_RESOURCE} (${listed})`,
            fix: f.timingBroken
                ? timingHint
                : "give the adapter the stack's rule (the adapterRules output; Helm: rules.existing=<service>-adapter-rules, or merge it into rules.custom) and restart it; if it has the rule, Prometheus has no series for it (see above)",
        };
    }
    const path = `/apis/custom.metrics.k8s.io/v1beta1/namespaces/${f.namespace}/pods/*/${QUEUE_METRIC}`;
    if (!f.values) {
        return { status: "broken", detail: `GET ${path} failed: ${f.valuesError ?? "no answer"}`, fix: f.timingBroken ? timingHint : "the adapter lists the metric but cannot compute it: check its logs and the rule's metricsQuery" };
    }
    if (f.values.length === 0) {
        return {
            status: "broken",
            detail: `the adapter lists ${QUEUE_RESOURCE} but has no value for any pod in ${f.namespace}`,
            fix: f.timingBroken ? timingHint : "the series' namespace/pod labels do not name pods of this namespace, or the adapter's relist has not seen them yet (wait one relist interval)",
        };
    }
    const shown = f.values.slice(0, 4).map((v) => `${v.pod}=${v.value}`).join(", ");
    return { status: "ok", detail: `the adapter serves ${QUEUE_METRIC} for ${f.values.length} pods (${shown})` };
}
