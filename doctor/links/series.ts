/**
 * Link 4: Prometheus holds `vllm:num_requests_waiting` for the namespace, with the `namespace` and
 * `pod` labels the adapter rule maps to Kubernetes objects (its resources.overrides).
 */
import { QUEUE_METRIC, Verdict } from "../types";

export interface SeriesFacts {
    namespace: string;
    /** Series of `vllm:num_requests_waiting{namespace="NS"}`; undefined with `error` when Prometheus could not be asked. */
    inNamespace?: Record<string, string>[];
    /** Series without a namespace label (a relabeling dropped it), when asked. */
    withoutNamespace?: Record<string, string>[];
    error?: string;
}

export function judgeSeries(f: SeriesFacts): Verdict {
    if (!f.inNamespace) {
        return { status: "not checked", detail: `cannot ask Prometheus for ${QUEUE_METRIC}: ${f.error ?? "no Prometheus"}`, fix: "pass --prometheus-url (or set PROMETHEUS_URL)" };
    }
    if (f.inNamespace.length === 0) {
        if (f.withoutNamespace && f.withoutNamespace.length > 0) {
            return {
                status: "broken",
                detail: `${f.withoutNamespace.length} ${QUEUE_METRIC} series have no namespace label`,
                fix: "the adapter maps the namespace and pod labels to objects: remove relabelings that drop them (keep the ServiceMonitor's default target labels)",
            };
        }
        return {
            status: "broken",
            detail: `Prometheus has no ${QUEUE_METRIC}{namespace="${f.namespace}"}`,
            fix: "Prometheus does not scrape the pods: fix the ServiceMonitor link above (labels, targets); a new target shows up after one scrape",
        };
    }
    const noPod = f.inNamespace.filter((l) => !l.pod);
    if (noPod.length > 0) {
        return {
            status: "broken",
            detail: `${noPod.length}/${f.inNamespace.length} series of ${QUEUE_METRIC} in ${f.namespace} have no pod label`,
            fix: "the adapter rule needs the pod label (resources.overrides pod): remove relabelings that drop it, or honorLabels that overwrite it",
        };
    }
    const pods = [...new Set(f.inNamespace.map((l) => l.pod))].sort();
    return { status: "ok", detail: `${f.inNamespace.length} series with namespace and pod labels (pods ${pods.join(", ")})` };
}
