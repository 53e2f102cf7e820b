/**
 * Which Prometheus metrics each vLLM release exports, by release line, and the vLLM version an
 * image tag names. ONE table, read by the simulator (what a pod of that image exposes), by the
 * policy pack (a preview-time warning when a stack's rules read a name the image lacks) and by
 * `npm run upgrade` (what the metric gate expects). Pure data: no imports.
 *
 * Sources (vllm-project/vllm, `vllm/v1/metrics/loggers.py`, `PrometheusStatLogger.__init__`):
 * - 0.10 line: the `gpu_`-prefixed gauges/counters are still exported beside their 0.9.2
 *   replacements ("Deprecated in 0.9 - Renamed as vllm:kv_cache_usage_perc"), and TPOT is
 *   `vllm:time_per_output_token_seconds` only: `vllm:inter_token_latency_seconds` does not exist yet.
 * - 0.11 line: PR #24110 adds `vllm:inter_token_latency_seconds` and deprecates
 *   `vllm:time_per_output_token_seconds` (still exported); PR #24245 hides the `gpu_` names
 *   (only with `--show-hidden-metrics-for-version=0.10`).
 * Both lines: prometheus-fastapi-instrumentator's HTTP metrics, which vLLM's api_server mounts.
 */

export type CatalogueMetricType = "gauge" | "counter" | "histogram" | "summary";

export interface CatalogueMetric {
    /** Family name as declared (a counter declared `x` is exposed as `x_total`). */
    name: string;
    type: CatalogueMetricType;
}

export interface VllmMetricCatalogue {
    /** Release line, `major.minor`, e.g. `0.11`. */
    line: string;
    /** Where the names were read. */
    source: string;
    metrics: readonly CatalogueMetric[];
}

const g = (name: string): CatalogueMetric => ({ name, type: "gauge" });
const c = (name: string): CatalogueMetric => ({ name, type: "counter" });
const h = (name: string): CatalogueMetric => ({ name, type: "histogram" });
const s = (name: string): CatalogueMetric => ({ name, type: "summary" });

/** Exported by every line modelled here. */
const COMMON: readonly CatalogueMetric[] = [
    g("vllm:num_requests_running"),
    g("vllm:num_requests_waiting"),
    g("vllm:kv_cache_usage_perc"),
    c("vllm:prefix_cache_queries"),
    c("vllm:prefix_cache_hits"),
    c("vllm:num_preemptions"),
    c("vllm:prompt_tokens"),
    c("vllm:generation_tokens"),
    c("vllm:request_success"),
    h("vllm:request_prompt_tokens"),
    h("vllm:request_generation_tokens"),
    h("vllm:iteration_tokens_total"),
    h("vllm:request_max_num_generation_tokens"),
    h("vllm:request_params_n"),
    h("vllm:request_params_max_tokens"),
    h("vllm:time_to_first_token_seconds"),
    h("vllm:time_per_output_token_seconds"),
    h("vllm:e2e_request_latency_seconds"),
    h("vllm:request_queue_time_seconds"),
    h("vllm:request_inference_time_seconds"),
    h("vllm:request_prefill_time_seconds"),
    h("vllm:request_decode_time_seconds"),
    // prometheus-fastapi-instrumentator `metrics.default()`
    c("http_requests"),
    s("http_request_size_bytes"),
    s("http_response_size_bytes"),
    h("http_request_duration_highr_seconds"),
    h("http_request_duration_seconds"),
];

const SOURCE = "vllm-project/vllm vllm/v1/metrics/loggers.py (PrometheusStatLogger)";

/** The release lines the project knows, oldest first. The last one is the pinned image's. */
export const VLLM_METRIC_CATALOGUES: readonly VllmMetricCatalogue[] = [
    {
        line: "0.10",
        source: `${SOURCE}, 0.10 release line (gpu_* names still shown; no inter-token latency histogram)`,
        metrics: [...COMMON, g("vllm:gpu_cache_usage_perc"), c("vllm:gpu_prefix_cache_queries"), c("vllm:gpu_prefix_cache_hits")],
    },
    {
        line: "0.11",
        source: `${SOURCE}, 0.11 release line (PR #24110 adds inter_token_latency_seconds; PR #24245 hides gpu_*)`,
        metrics: [...COMMON, h("vllm:inter_token_latency_seconds")],
    },
];

/** The release line of the pinned image (`vllm/vllm-openai:v0.11.0`). */
export const PINNED_VLLM_LINE = "0.11";

export interface VllmVersion {
    major: number;
    minor: number;
    patch: number;
    /** `major.minor`. */
    line: string;
    /** As written in the tag, without a leading `v`. */
    text: string;
}

/**
 * The vLLM version an image's tag names (`vllm/vllm-openai:v0.10.2`, `...:0.11.1-cu128`,
 * `...:v0.11.0@sha256:...`), or undefined when the tag is not a version (a digest only, a custom
 * tag). Only the tag is read: the repository may be any mirror.
 */
export function vllmVersionFromImage(image: string): VllmVersion | undefined {
    const withoutDigest = image.split("@")[0];
    const lastSlash = withoutDigest.lastIndexOf("/");
    const colon = withoutDigest.indexOf(":", lastSlash + 1);
    if (colon < 0) return undefined;
    const tag = withoutDigest.slice(colon + 1);
    const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+._][0-9A-Za-z.+_-]*)?$/.exec(tag);
    if (!m) return undefined;
    const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return { major, minor, patch, line: `${major}.${minor}`, text: tag.replace(/^v/, "") };
}

/** The catalogue of a version's release line, or undefined when the project does not know it. */
export function catalogueForVersion(v: VllmVersion): VllmMetricCatalogue | undefined {
    return VLLM_METRIC_CATALOGUES.find((c) => c.line === v.line);
}

/** The pinned line's catalogue. */
export function pinnedCatalogue(): VllmMetricCatalogue {
    return VLLM_METRIC_CATALOGUES.find((c) => c.line === PINNED_VLLM_LINE)!;
}

/** Sample names a family appears under on /metrics (Python prometheus_client's suffixes). */
export function exposedSampleNames(m: CatalogueMetric): string[] {
    switch (m.type) {
        case "gauge":
            return [m.name];
        case "counter":
            return [`${m.name}_total`, `${m.name}_created`];
        case "histogram":
            return [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`, `${m.name}_created`];
        case "summary":
            return [`${m.name}_sum`, `${m.name}_count`, `${m.name}_created`];
    }
}

/** Every sample name a catalogue's families are exposed under. */
export function catalogueSampleNames(c: VllmMetricCatalogue): Set<string> {
    return new Set(c.metrics.flatMap(exposedSampleNames));
}

/** Whether a vLLM server would be the one exporting `name` (any known line's sample, or the `vllm:` prefix). */
function servedByVllm(name: string): boolean {
    return name.startsWith("vllm:") || VLLM_METRIC_CATALOGUES.some((c) => catalogueSampleNames(c).has(name));
}

/** Of `read` (names a stack's rules read), those a vLLM server exports, sorted: what an image must keep. */
export function vllmServedNames(read: Iterable<string>): string[] {
    return [...new Set(read)].filter(servedByVllm).sort();
}

/**
 * Of `read` (metric names a stack's rules read), those a vLLM server exports in some known line
 * but this catalogue does not: the names this version would leave absent. Names no vLLM line
 * exports (kube-state-metrics', recording rules') are not the image's business and are ignored.
 */
export function namesMissingFrom(c: VllmMetricCatalogue, read: Iterable<string>): string[] {
    const here = catalogueSampleNames(c);
    return vllmServedNames(read).filter((n) => !here.has(n));
}
