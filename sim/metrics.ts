/**
 * The simulator's /metrics: vLLM 0.11's engine metrics (vllm/v1/metrics/loggers.py,
 * `PrometheusStatLogger`) and the HTTP metrics of prometheus-fastapi-instrumentator's
 * `metrics.default()` that vLLM's api_server mounts, with their names, types, help texts,
 * labels and buckets. Its own catalogue on purpose: the simulator is started like vLLM and
 * must not read the project's rules to decide what to expose.
 *
 * Two details of Python's prometheus_client are reproduced because scrapers see them:
 * every counter and histogram child also exposes a `<name>_created` gauge, and bucket bounds are
 * printed as Python floats (`le="1.0"`, not `le="1"`).
 */
import type * as Prom from "prom-client";
import { cataloguedFamily, VllmMetricCatalogue } from "./catalogue";

// prom-client's index also loads its cluster aggregator and default collectors (about 100 ms per
// process on a busy 2-core machine, paid by every pod); the simulator needs only these classes.
/* eslint-disable @typescript-eslint/no-require-imports */
export const Registry = require("prom-client/lib/registry") as typeof Prom.Registry;
const Counter = require("prom-client/lib/counter") as typeof Prom.Counter;
const Gauge = require("prom-client/lib/gauge") as typeof Prom.Gauge;
const Histogram = require("prom-client/lib/histogram") as typeof Prom.Histogram;
const Summary = require("prom-client/lib/summary") as typeof Prom.Summary;
/* eslint-enable @typescript-eslint/no-require-imports */
export type Registry = Prom.Registry;
type Counter = Prom.Counter;
type Gauge = Prom.Gauge;
type Histogram = Prom.Histogram;
type Summary = Prom.Summary;

export type FinishReason = "stop" | "length" | "abort";
/** vLLM's `FinishReason` enum (vllm/v1/engine/__init__.py), in its order. */
export const FINISH_REASONS: readonly FinishReason[] = ["stop", "length", "abort"];

/** One finished request, like `FinishedRequestStats` (vllm/v1/metrics/stats.py); times in seconds. */
export interface FinishedStats {
    reason: FinishReason;
    e2e: number;
    queued: number;
    prefill: number;
    inference: number;
    decode: number;
    promptTokens: number;
    generationTokens: number;
    maxTokensParam: number | undefined;
}

/** What one engine step reports: `SchedulerStats` + `IterationStats`. */
export interface StepStats {
    running: number;
    waiting: number;
    kvUsage: number;
    prefixCacheQueries: number;
    promptTokens: number;
    generationTokens: number;
    ttfts: number[];
    itls: number[];
    /** max_tokens of requests that produced their first token this step. */
    maxGenerationTokens: number[];
    nParams: number[];
    finished: FinishedStats[];
}

const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
const REQUEST_LATENCY_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
const ITERATION_TOKEN_BUCKETS = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];
const HTTP_HIGHR_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 7.5, 10, 30, 60];

/** loggers.py `build_1_2_5_buckets(max_model_len)`: 1, 2, 5, 10, 20, 50, ... up to max. */
export function buckets125(max: number): number[] {
    const out: number[] = [];
    for (let scale = 1; ; scale *= 10) {
        for (const m of [1, 2, 5]) {
            if (m * scale > max) return out;
            out.push(m * scale);
        }
    }
}

/** `<name>_created` gauges, one child per label set, set when the child first appears. */
class CreatedSeries {
    private readonly gauges = new Map<string, Gauge>();
    private readonly seen = new Set<string>();
    constructor(private readonly registry: Registry) {}

    mark(family: string, help: string, labels: Record<string, string>): void {
        const key = `${family}${JSON.stringify(labels)}`;
        if (this.seen.has(key)) return;
        this.seen.add(key);
        let gauge = this.gauges.get(family);
        if (!gauge) {
            gauge = new Gauge({ name: `${family}_created`, help, labelNames: Object.keys(labels), registers: [this.registry] });
            this.gauges.set(family, gauge);
        }
        gauge.set(labels, Date.now() / 1000);
    }
}

/** A counter with what its `_created` series needs. */
type NamedCounter = Counter & { family: string; helpText: string };

/**
 * vLLM's engine metrics for one engine (`engine="0"`): created at start-up with every child, only
 * those the release's catalogue exports (sim/catalogue.ts): 0.10 still shows the `gpu_` names and
 * has no inter-token latency histogram; 0.11 adds it and hides the `gpu_` names.
 */
export class EngineMetrics {
    private readonly labels: { model_name: string; engine: string };
    private readonly gauges = new Map<string, Gauge>();
    private readonly counters = new Map<string, NamedCounter>();
    private readonly success?: Counter;
    private readonly h = new Map<string, Histogram>();

    constructor(registry: Registry, modelName: string, maxModelLen: number, catalogue: VllmMetricCatalogue) {
        this.labels = { model_name: modelName, engine: "0" };
        const labelNames = ["model_name", "engine"];
        const created = new CreatedSeries(registry);
        const has = (name: string) => cataloguedFamily(catalogue, name);
        const gauge = (name: string, help: string) => {
            if (!has(name)) return;
            const g = new Gauge({ name, help, labelNames, registers: [registry] });
            g.set(this.labels, 0);
            this.gauges.set(name, g);
        };
        const counter = (name: string, help: string, extra: string[] = []): NamedCounter | undefined => {
            if (!has(name)) return undefined;
            const c = new Counter({ name: `${name}_total`, help, labelNames: [...labelNames, ...extra], registers: [registry] });
            return Object.assign(c, { family: name, helpText: help });
        };
        const histogram = (name: string, help: string, buckets: number[]) => {
            if (!has(name)) return;
            const h = new Histogram({ name, help, labelNames, buckets, registers: [registry] });
            h.zero(this.labels);
            created.mark(name, help, this.labels);
            this.h.set(name, h);
        };
        gauge("vllm:num_requests_running", "Number of requests in model execution batches.");
        gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.");
        // 0.10: deprecated since 0.9.2 but still shown (the help text lacks a space upstream too).
        gauge("vllm:gpu_cache_usage_perc", "GPU KV-cache usage. 1 means 100 percent usage.DEPRECATED: Use vllm:kv_cache_usage_perc instead.");
        gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.");
        const plain: [string, string][] = [
            ["vllm:gpu_prefix_cache_queries", "GPU prefix cache queries, in terms of number of queriedtokens. DEPRECATED: Use vllm:prefix_cache_queries instead."],
            ["vllm:gpu_prefix_cache_hits", "GPU prefix cache hits, in terms of number of cached tokens. DEPRECATED: Use vllm:prefix_cache_hits instead."],
            ["vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens."],
            ["vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens."],
            ["vllm:num_preemptions", "Cumulative number of preemption from the engine."],
            ["vllm:prompt_tokens", "Number of prefill tokens processed."],
            ["vllm:generation_tokens", "Number of generation tokens processed."],
        ];
        for (const [name, help] of plain) {
            const c = counter(name, help);
            if (!c) continue;
            c.inc(this.labels, 0);
            created.mark(c.family, c.helpText, this.labels);
            this.counters.set(name, c);
        }
        const success = counter("vllm:request_success", "Count of successfully processed requests.", ["finished_reason"]);
        for (const reason of success ? FINISH_REASONS : []) {
            success!.inc({ ...this.labels, finished_reason: reason }, 0);
            created.mark(success!.family, success!.helpText, { ...this.labels, finished_reason: reason });
        }
        this.success = success;
        const tokens = buckets125(maxModelLen);
        histogram("vllm:request_prompt_tokens", "Number of prefill tokens processed.", tokens);
        histogram("vllm:request_generation_tokens", "Number of generation tokens processed.", tokens);
        histogram("vllm:iteration_tokens_total", "Histogram of number of tokens per engine_step.", ITERATION_TOKEN_BUCKETS);
        histogram("vllm:request_max_num_generation_tokens", "Histogram of maximum number of requested generation tokens.", tokens);
        histogram("vllm:request_params_n", "Histogram of the n request parameter.", [1, 2, 5, 10, 20]);
        histogram("vllm:request_params_max_tokens", "Histogram of the max_tokens request parameter.", tokens);
        histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", TTFT_BUCKETS);
        // Deprecated from 0.11 (when inter-token latency appears); the 0.11 help text lacks a space upstream too.
        const itl = has("vllm:inter_token_latency_seconds");
        histogram(
            "vllm:time_per_output_token_seconds",
            `Histogram of time per output token in seconds.${itl ? "DEPRECATED: Use vllm:inter_token_latency_seconds instead." : ""}`,
            ITL_BUCKETS,
        );
        histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", ITL_BUCKETS);
        histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", REQUEST_LATENCY_BUCKETS);
        histogram("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", REQUEST_LATENCY_BUCKETS);
        histogram("vllm:request_inference_time_seconds", "Histogram of time spent in RUNNING phase for request.", REQUEST_LATENCY_BUCKETS);
        histogram("vllm:request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.", REQUEST_LATENCY_BUCKETS);
        histogram("vllm:request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.", REQUEST_LATENCY_BUCKETS);
    }

    private set(name: string, v: number): void {
        this.gauges.get(name)?.set(this.labels, v);
    }
    private inc(name: string, v: number): void {
        this.counters.get(name)?.inc(this.labels, v);
    }
    private observe(name: string, v: number): void {
        this.h.get(name)?.observe(this.labels, v);
    }

    /** `PrometheusStatLogger.record`: called once per engine step, like vLLM's frontend does. */
    record(s: StepStats): void {
        this.set("vllm:num_requests_running", s.running);
        this.set("vllm:num_requests_waiting", s.waiting);
        this.set("vllm:gpu_cache_usage_perc", s.kvUsage);
        this.set("vllm:kv_cache_usage_perc", s.kvUsage);
        this.inc("vllm:gpu_prefix_cache_queries", s.prefixCacheQueries);
        this.inc("vllm:prefix_cache_queries", s.prefixCacheQueries);
        this.inc("vllm:prompt_tokens", s.promptTokens);
        this.inc("vllm:generation_tokens", s.generationTokens);
        this.observe("vllm:iteration_tokens_total", s.promptTokens + s.generationTokens);
        for (const v of s.maxGenerationTokens) this.observe("vllm:request_max_num_generation_tokens", v);
        for (const v of s.nParams) this.observe("vllm:request_params_n", v);
        for (const v of s.ttfts) this.observe("vllm:time_to_first_token_seconds", v);
        for (const v of s.itls) {
            this.observe("vllm:inter_token_latency_seconds", v);
            this.observe("vllm:time_per_output_token_seconds", v);
        }
        for (const f of s.finished) {
            this.success?.inc({ ...this.labels, finished_reason: f.reason });
            this.observe("vllm:e2e_request_latency_seconds", f.e2e);
            this.observe("vllm:request_queue_time_seconds", f.queued);
            this.observe("vllm:request_prefill_time_seconds", f.prefill);
            this.observe("vllm:request_inference_time_seconds", f.inference);
            this.observe("vllm:request_decode_time_seconds", f.decode);
            this.observe("vllm:request_prompt_tokens", f.promptTokens);
            this.observe("vllm:request_generation_tokens", f.generationTokens);
            if (f.maxTokensParam) this.observe("vllm:request_params_max_tokens", f.maxTokensParam);
        }
    }
}

/** prometheus-fastapi-instrumentator `metrics.default()` with its default buckets and grouped status codes. */
export class HttpMetrics {
    private readonly created: CreatedSeries;
    private readonly total: Counter;
    private readonly inSize: Summary;
    private readonly outSize: Summary;
    private readonly highr: Histogram;
    private readonly lowr: Histogram;
    private static readonly HELP = {
        total: "Total number of requests by method, status and handler.",
        inSize: "Content length of incoming requests by handler. Only value of header is respected. Otherwise ignored. No percentile calculated. ",
        outSize: "Content length of outgoing responses by handler. Only value of header is respected. Otherwise ignored. No percentile calculated. ",
        highr: "Latency with many buckets but no API specific labels. Made for more accurate percentile calculations. ",
        lowr: "Latency with only few buckets by handler. Made to be only used if aggregation by handler is important. ",
    };

    constructor(registry: Registry) {
        const H = HttpMetrics.HELP;
        const registers = [registry];
        this.created = new CreatedSeries(registry);
        this.total = new Counter({ name: "http_requests_total", help: H.total, labelNames: ["method", "status", "handler"], registers });
        this.inSize = new Summary({ name: "http_request_size_bytes", help: H.inSize, labelNames: ["handler"], percentiles: [], registers });
        this.outSize = new Summary({ name: "http_response_size_bytes", help: H.outSize, labelNames: ["handler"], percentiles: [], registers });
        this.highr = new Histogram({ name: "http_request_duration_highr_seconds", help: H.highr, buckets: HTTP_HIGHR_BUCKETS, registers });
        this.lowr = new Histogram({ name: "http_request_duration_seconds", help: H.lowr, labelNames: ["method", "handler"], buckets: [0.1, 0.5, 1], registers });
        this.highr.zero({});
        this.created.mark("http_request_duration_highr_seconds", H.highr, {});
    }

    /** One finished response. `status` is the numeric code; the instrumentator groups it (`2xx`). */
    observe(method: string, status: number, handler: string, seconds: number, requestBytes: number, responseBytes: number): void {
        const H = HttpMetrics.HELP;
        const grouped = `${String(status)[0]}xx`;
        this.total.inc({ method, status: grouped, handler });
        this.created.mark("http_requests", H.total, { method, status: grouped, handler });
        this.inSize.observe({ handler }, requestBytes);
        this.created.mark("http_request_size_bytes", H.inSize, { handler });
        this.outSize.observe({ handler }, responseBytes);
        this.created.mark("http_response_size_bytes", H.outSize, { handler });
        this.highr.observe(seconds);
        this.lowr.observe({ method, handler }, seconds);
        this.created.mark("http_request_duration_seconds", H.lowr, { method, handler });
    }
}

/** The text exposition (format 0.0.4), with bucket bounds printed the way Python prints floats. */
export async function exposition(registry: Registry): Promise<string> {
    const text = await registry.metrics();
    return text.replace(/le="(\d+)"/g, 'le="$1.0"');
}
