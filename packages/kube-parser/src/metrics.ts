/**
 * Autoscaling metrics: the metric names an HPA or a KEDA ScaledObject scales on, and which
 * of them are GPU utilization (a poor autoscaling signal for vLLM: a saturated engine can
 * read 100% while latency is fine, or low while the queue backs up).
 */
import { KubeObject } from "./workload";

/** GPU extended resources: an HPA `Resource` metric on them is GPU utilization. */
export const GPU_RESOURCES: readonly string[] = ["nvidia.com/gpu", "amd.com/gpu"];

/**
 * GPU-utilization metric names, by exporter. Deliberately narrow: GPU-adjacent signals
 * that are not utilization (vLLM's `vllm:gpu_cache_usage_perc`/`kv_cache_usage_perc`,
 * `DCGM_FI_DEV_FB_USED`) do not match.
 */
const GPU_UTILIZATION_PATTERNS: readonly RegExp[] = [
    /DCGM_FI_DEV_GPU_UTIL/i, // DCGM exporter
    /DCGM_FI_DEV_MEM_COPY_UTIL/i,
    /DCGM_FI_PROF_(GR_ENGINE_ACTIVE|SM_ACTIVE|SM_OCCUPANCY)/i, // DCGM profiling metrics
    /(gpu|accelerator)[\W_]*duty[\W_]?cycle/i, // GKE: nvidia_gpu_duty_cycle, container/accelerator/duty_cycle
    /gpu[_\-.: ]?util/i, // gpu_utilization, gpu_util, GPUUtilization
    /utili[sz]ation[_\-.]?gpu/i, // nvidia-smi exporter: nvidia_smi_utilization_gpu_ratio
    /gpu[_\-]?busy/i, // AMD: gpu_busy_percent
    /gpu_gfx_activity/i, // AMD device-metrics-exporter
];

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
            const before = /[\w:.|/-]*$/.exec(text.slice(0, m.index))?.[0] ?? "";
            const after = /^[\w:.|/-]*/.exec(text.slice(m.index + m[0].length))?.[0] ?? "";
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
