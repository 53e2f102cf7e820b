/**
 * Autoscaling metrics: the metric names an HPA or a KEDA ScaledObject scales on, and which
 * of them are GPU utilization (a poor autoscaling signal for vLLM: a saturated engine can
 * read 100% while latency is fine, or low while the queue backs up).
 */
import { GPU_UTILIZATION_PATTERN_SOURCES, METRIC_IDENTIFIER_CHARS } from "./ruleText";
import { KubeObject } from "./workload";

/** GPU extended resources: an HPA `Resource` metric on them is GPU utilization. */
export const GPU_RESOURCES: readonly string[] = ["nvidia.com/gpu", "amd.com/gpu"];

/** The GPU-utilization metric names (ruleText.ts, shared with the admission policies), case-insensitive. */
const GPU_UTILIZATION_PATTERNS: readonly RegExp[] = GPU_UTILIZATION_PATTERN_SOURCES.map(source => new RegExp(source, "i"));
/** The identifier around a match, on either side, that a message quotes. */
const IDENTIFIER_BEFORE = new RegExp(`${METRIC_IDENTIFIER_CHARS}*$`);
const IDENTIFIER_AFTER = new RegExp(`^${METRIC_IDENTIFIER_CHARS}*`);

/** The GPU-utilization metric a metric name or query names, or undefined. */
export function gpuUtilizationIn(text: unknown, extraPatterns: readonly RegExp[] = []): string | undefined {
    if (typeof text !== "string") {
        return undefined;
    }
    if (GPU_RESOURCES.includes(text.trim())) {
        return text.trim();
    }
    for (const re of [...GPU_UTILIZATION_PATTERNS, ...extraPatterns]) {
        const m = re.exec(text);
        if (m) {
            // Report the whole identifier around the match, e.g. `DCGM_FI_DEV_GPU_UTIL`.
            const before = IDENTIFIER_BEFORE.exec(text.slice(0, m.index))?.[0] ?? "";
            const after = IDENTIFIER_AFTER.exec(text.slice(m.index + m[0].length))?.[0] ?? "";
            return before + m[0] + after;
        }
    }
    return undefined;
}

/** A metric an autoscaler scales on, with where it was found (for messages). */
export interface ScalingMetric {
    /** e.g. `metrics[0].pods.metric.name` or `triggers[1].metadata.query`. */
    path: string;
    /** Metric source type: Resource, Pods, External, ..., or the KEDA trigger type. */
    source: string;
    /** The name, query or label value found there. */
    text: string;
}

function selectorValues(selector: any, path: string, source: string): ScalingMetric[] {
    const out: ScalingMetric[] = [];
    for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) {
        out.push({ path: `${path}.matchLabels.${k}`, source, text: String(v) });
    }
    (Array.isArray(selector?.matchExpressions) ? selector.matchExpressions : []).forEach((e: any, i: number) => {
        for (const v of Array.isArray(e?.values) ? e.values : []) {
            out.push({ path: `${path}.matchExpressions[${i}].values`, source, text: String(v) });
        }
    });
    return out;
}

/** Metric keys of HPA metric sources: autoscaling/v2 and v2beta2 (`metric.name`), v2beta1 (`metricName`). */
const HPA_SOURCES: Record<string, string> = {
    Resource: "resource",
    ContainerResource: "containerResource",
    Pods: "pods",
    Object: "object",
    External: "external",
};

/** Every metric name (and metric selector value) an HPA's `spec.metrics` names. */
export function hpaMetrics(hpa: KubeObject): ScalingMetric[] {
    const out: ScalingMetric[] = [];
    const metrics = hpa.body?.spec?.metrics;
    (Array.isArray(metrics) ? metrics : []).forEach((m: any, i: number) => {
        for (const [source, key] of Object.entries(HPA_SOURCES)) {
            const src = m?.[key];
            if (!src) continue;
            const base = `spec.metrics[${i}].${key}`;
            for (const [path, text] of [[`${base}.name`, src.name], [`${base}.metric.name`, src.metric?.name], [`${base}.metricName`, src.metricName]]) {
                if (typeof text === "string") out.push({ path, source, text });
            }
            out.push(...selectorValues(src.metric?.selector, `${base}.metric.selector`, source));
            out.push(...selectorValues(src.selector, `${base}.selector`, source));
        }
    });
    return out;
}

/** Trigger metadata keys that hold a metric name or query (prometheus: `query`, `metricName`). */
const KEDA_QUERY_KEYS = ["query", "metricName", "metricQuery", "metricFilter", "filter", "nrql"];

/** Every metric name or query of a KEDA ScaledObject's triggers. */
export function scaledObjectMetrics(so: KubeObject): ScalingMetric[] {
    const out: ScalingMetric[] = [];
    const triggers = so.body?.spec?.triggers;
    (Array.isArray(triggers) ? triggers : []).forEach((t: any, i: number) => {
        for (const key of KEDA_QUERY_KEYS) {
            const text = t?.metadata?.[key];
            if (typeof text === "string") {
                out.push({ path: `spec.triggers[${i}].metadata.${key}`, source: `${t.type ?? "unknown"} trigger`, text });
            }
        }
    });
    return out;
}
