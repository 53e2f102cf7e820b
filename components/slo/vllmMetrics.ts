/**
 * Every metric name (and histogram bucket bound) the SLO rules, the adapter rule and the
 * dashboard use, in ONE place. Nothing else in the project spells a metric name.
 *
 * Source of the vLLM names and buckets: `vllm/v1/metrics/loggers.py` (`PrometheusStatLogger`)
 * of the vLLM 0.11 release line, the code in the pinned image `vllm/vllm-openai:v0.11.0`.
 * That revision's own comments date it: "Deprecated in 0.11 - Renamed as
 * vllm:inter_token_latency_seconds / TODO: in 0.12, only enable if show_hidden_metrics=True"
 * and, for the `gpu_` gauges, "With 0.11.x you can enable with
 * --show-hidden-metrics-for-version=0.10 / TODO: remove in 0.12.0".
 *
 * Renames that matter for this version:
 * - `vllm:time_per_output_token_seconds` -> `vllm:inter_token_latency_seconds` (deprecated in
 *   0.11, same buckets, still exported by 0.11 but hidden from 0.12). We use the new name.
 * - `vllm:gpu_cache_usage_perc` -> `vllm:kv_cache_usage_perc` (deprecated in 0.9.2, hidden in 0.11:
 *   only exported with `--show-hidden-metrics-for-version=0.10`). We use the new name.
 * - `vllm:gpu_prefix_cache_queries|hits` -> `vllm:prefix_cache_queries|hits` (same story).
 *
 * Upgrading the image? Re-read loggers.py of the new version and update this file: a changed
 * name breaks the HPA (adapter rule) and the SLO rules silently. The tests check that every
 * expression references only names listed here.
 */

/** The image (and so the metric set) this file was checked against. */
export const VLLM_METRICS_VERSION = "v0.11.0";
/** Where the names below were read. */
export const VLLM_METRICS_SOURCE = "vllm-project/vllm vllm/v1/metrics/loggers.py (PrometheusStatLogger), 0.11 release line";

export type MetricType = "gauge" | "counter" | "histogram";

export interface MetricDef {
    /** Name as declared in the exporter (a Python counter declared `x` is exposed as `x_total`). */
    name: string;
    type: MetricType;
    help: string;
    /** Labels the exporter sets (Prometheus Operator adds namespace, service, pod, job, instance...). */
    labels: readonly string[];
    /** Histogram bucket upper bounds (seconds for timings), without +Inf. */
    buckets?: readonly number[];
}

/** Labels vLLM 0.11 puts on every engine metric. `engine` is the data-parallel engine index. */
export const VLLM_LABELS = ["model_name", "engine"] as const;

/** `vllm:time_to_first_token_seconds` buckets in vLLM 0.11 (seconds). */
export const TTFT_BUCKETS: readonly number[] = [
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0,
];

/** `vllm:inter_token_latency_seconds` (and deprecated `vllm:time_per_output_token_seconds`) buckets in vLLM 0.11 (seconds). */
export const ITL_BUCKETS: readonly number[] = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];

/** Buckets shared by the per-request phase histograms (e2e, queue, inference, prefill, decode) in vLLM 0.11. */
export const REQUEST_LATENCY_BUCKETS: readonly number[] = [
    0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0,
];

const L = VLLM_LABELS;

/** The vLLM 0.11 metrics we rely on or show, keyed by what we use them for. */
export const VLLM = {
    /** Gauge: requests in model execution batches. */
    numRequestsRunning: { name: "vllm:num_requests_running", type: "gauge", help: "Number of requests in model execution batches.", labels: L },
    /** Gauge: requests waiting to be scheduled. The HPA scales on this (per pod average). */
    numRequestsWaiting: { name: "vllm:num_requests_waiting", type: "gauge", help: "Number of requests waiting to be processed.", labels: L },
    /** Gauge in [0, 1]: KV-cache usage. Replaces the hidden `vllm:gpu_cache_usage_perc`. */
    kvCacheUsage: { name: "vllm:kv_cache_usage_perc", type: "gauge", help: "KV-cache usage. 1 means 100 percent usage.", labels: L },
    /** Counter: prefill tokens processed (exposed as `vllm:prompt_tokens_total`). */
    promptTokens: { name: "vllm:prompt_tokens", type: "counter", help: "Number of prefill tokens processed.", labels: L },
    /** Counter: generated tokens (exposed as `vllm:generation_tokens_total`). */
    generationTokens: { name: "vllm:generation_tokens", type: "counter", help: "Number of generation tokens processed.", labels: L },
    /** Counter: finished requests by `finished_reason` (stop, length, abort). Exposed as `vllm:request_success_total`. */
    requestSuccess: {
        name: "vllm:request_success",
        type: "counter",
        help: "Count of successfully processed requests.",
        labels: [...L, "finished_reason"],
    },
    /** Counter: preemptions (KV-cache pressure). Exposed as `vllm:num_preemptions_total`. */
    numPreemptions: { name: "vllm:num_preemptions", type: "counter", help: "Cumulative number of preemption from the engine.", labels: L },
    /** Counter: prefix cache queries in tokens. */
    prefixCacheQueries: { name: "vllm:prefix_cache_queries", type: "counter", help: "Prefix cache queries, in terms of number of queried tokens.", labels: L },
    /** Counter: prefix cache hits in tokens. */
    prefixCacheHits: { name: "vllm:prefix_cache_hits", type: "counter", help: "Prefix cache hits, in terms of number of cached tokens.", labels: L },
    /** Histogram: time to first token (TTFT), one observation per request. */
    ttft: { name: "vllm:time_to_first_token_seconds", type: "histogram", help: "Histogram of time to first token in seconds.", labels: L, buckets: TTFT_BUCKETS },
    /**
     * Histogram: inter-token latency (ITL), one observation per generated token after the first.
     * This is the "TPOT" SLI; it replaces `vllm:time_per_output_token_seconds` (deprecated in 0.11).
     */
    interTokenLatency: {
        name: "vllm:inter_token_latency_seconds",
        type: "histogram",
        help: "Histogram of inter-token latency in seconds.",
        labels: L,
        buckets: ITL_BUCKETS,
    },
    /** Deprecated in 0.11 (still exported, hidden from 0.12): same observations as `interTokenLatency`. Do not use. */
    timePerOutputTokenDeprecated: {
        name: "vllm:time_per_output_token_seconds",
        type: "histogram",
        help: "Histogram of time per output token in seconds. DEPRECATED: Use vllm:inter_token_latency_seconds instead.",
        labels: L,
        buckets: ITL_BUCKETS,
    },
    /** Histogram: end-to-end request latency. */
    e2eLatency: { name: "vllm:e2e_request_latency_seconds", type: "histogram", help: "Histogram of e2e request latency in seconds.", labels: L, buckets: REQUEST_LATENCY_BUCKETS },
    /** Histogram: time a request spent WAITING. */
    queueTime: { name: "vllm:request_queue_time_seconds", type: "histogram", help: "Histogram of time spent in WAITING phase for request.", labels: L, buckets: REQUEST_LATENCY_BUCKETS },
    /** Histogram: time a request spent RUNNING. */
    inferenceTime: {
        name: "vllm:request_inference_time_seconds",
        type: "histogram",
        help: "Histogram of time spent in RUNNING phase for request.",
        labels: L,
        buckets: REQUEST_LATENCY_BUCKETS,
    },
} as const satisfies Record<string, MetricDef>;

/**
 * Metric names that existed in earlier vLLM versions and are hidden (not exported by default)
 * in 0.11: referencing them yields no data. Old name -> current name.
 */
export const VLLM_HIDDEN_IN_0_11: Readonly<Record<string, string>> = {
    "vllm:gpu_cache_usage_perc": "vllm:kv_cache_usage_perc",
    "vllm:gpu_prefix_cache_queries": "vllm:prefix_cache_queries",
    "vllm:gpu_prefix_cache_hits": "vllm:prefix_cache_hits",
};

/**
 * HTTP metrics of vLLM's OpenAI server: `vllm/entrypoints/openai/api_server.py` mounts
 * prometheus-fastapi-instrumentator (`Instrumentator(excluded_handlers=["/metrics", "/health",
 * "/load", "/ping", "/version", "/server_info"]).add()`), whose default metrics are below.
 * Status codes are grouped (`status="5xx"`), handlers are route templates (`/v1/chat/completions`).
 * vLLM's engine has no error counter, so the error-ratio SLI reads 5xx responses from here.
 */
export const HTTP = {
    /** Counter: requests by `method`, `status` (grouped: 2xx, 4xx, 5xx) and `handler`. */
    requestsTotal: { name: "http_requests_total", type: "counter", help: "Total number of requests by method, status and handler.", labels: ["method", "status", "handler"] },
    /** Histogram: latency by handler with few buckets. */
    requestDuration: {
        name: "http_request_duration_seconds",
        type: "histogram",
        help: "Latency with only few buckets by handler.",
        labels: ["method", "handler"],
        buckets: [0.1, 0.5, 1],
    },
} as const satisfies Record<string, MetricDef>;

/**
 * kube-state-metrics (v2) series the capacity alerts and the dashboard read. Labels:
 * `namespace`, `horizontalpodautoscaler` (plus `condition`/`status` or `metric_name`/`metric_target_type`).
 */
export const KSM = {
    hpaCurrentReplicas: "kube_horizontalpodautoscaler_status_current_replicas",
    hpaDesiredReplicas: "kube_horizontalpodautoscaler_status_desired_replicas",
    hpaMaxReplicas: "kube_horizontalpodautoscaler_spec_max_replicas",
    hpaMinReplicas: "kube_horizontalpodautoscaler_spec_min_replicas",
    /** `condition` in AbleToScale|ScalingActive|ScalingLimited, `status` in true|false|unknown; value 1 for the current one. */
    hpaCondition: "kube_horizontalpodautoscaler_status_condition",
    /** Target of each HPA metric; for our Pods metric `metric_target_type="average"`. */
    hpaSpecTargetMetric: "kube_horizontalpodautoscaler_spec_target_metric",
    deploymentReplicasAvailable: "kube_deployment_status_replicas_available",
} as const;

/** Series Prometheus itself generates for every scrape target. */
export const PROMETHEUS_BUILTIN = { up: "up" } as const;

/** The series names a metric definition is exposed as (what PromQL can select). */
export function exposedSeries(def: MetricDef): string[] {
    switch (def.type) {
        case "gauge":
            return [def.name];
        case "counter": {
            const base = def.name.endsWith("_total") ? def.name.slice(0, -"_total".length) : def.name;
            return [`${base}_total`, `${base}_created`];
        }
        case "histogram":
            return [`${def.name}_bucket`, `${def.name}_count`, `${def.name}_sum`, `${def.name}_created`];
    }
}

/** Every series name that exists with the pinned vLLM image, kube-state-metrics and Prometheus. */
export function knownSeriesNames(): Set<string> {
    const names = new Set<string>();
    for (const def of [...Object.values(VLLM), ...Object.values(HTTP)] as MetricDef[]) {
        for (const s of exposedSeries(def)) names.add(s);
    }
    for (const n of Object.values(KSM)) names.add(n);
    for (const n of Object.values(PROMETHEUS_BUILTIN)) names.add(n);
    return names;
}

/**
 * The `le` label value a bucket bound has on the wire. vLLM uses the Python client, which
 * formats bounds like Go's float formatting with a forced decimal point: 0.5 -> "0.5",
 * 1.0 -> "1.0", 2560.0 -> "2560.0" (Prometheus 3 normalises classic `le` values the same way).
 */
export function leLabel(bound: number): string {
    return Number.isInteger(bound) ? `${bound}.0` : String(bound);
}
