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

/** vLLM's engine metrics for one engine (`engine="0"`): created at start-up with every child. */
export class EngineMetrics {
    private readonly labels: { model_name: string; engine: string };
    private readonly running: Gauge;
    private readonly waiting: Gauge;
    private readonly kvUsage: Gauge;
    private readonly counters: Record<"prefixQueries" | "prefixHits" | "preemptions" | "prompt" | "generation", Counter>;
    private readonly success: Counter;
    private readonly h: Record<string, Histogram>;

    constructor(registry: Registry, modelName: string, maxModelLen: number) {
        this.labels = { model_name: modelName, engine: "0" };
        const labelNames = ["model_name", "engine"];
        const created = new CreatedSeries(registry);
        const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames, registers: [registry] });
        const counter = (name: string, help: string, extra: string[] = []) => {
            const c = new Counter({ name: `${name}_total`, help, labelNames: [...labelNames, ...extra], registers: [registry] });
            return Object.assign(c, { family: name, helpText: help });
        };
        const histogram = (name: string, help: string, buckets: number[]) => {
            const h = new Histogram({ name, help, labelNames, buckets, registers: [registry] });
            h.zero(this.labels);
            created.mark(name, help, this.labels);
            return h;
        };
        this.running = gauge("vllm:num_requests_running", "Number of requests in model execution batches.");
        this.waiting = gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.");
        this.kvUsage = gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.");
        for (const g of [this.running, this.waiting, this.kvUsage]) g.set(this.labels, 0);
        const counters = {
            prefixQueries: counter("vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens."),
            prefixHits: counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens."),
            preemptions: counter("vllm:num_preemptions", "Cumulative number of preemption from the engine."),
            prompt: counter("vllm:prompt_tokens", "Number of prefill tokens processed."),
            generation: counter("vllm:generation_tokens", "Number of generation tokens processed."),
        };
        for (const c of Object.values(counters)) {
            c.inc(this.labels, 0);
            created.mark(c.family, c.helpText, this.labels);
        }
        this.counters = counters;
        const success = counter("vllm:request_success", "Count of successfully processed requests.", ["finished_reason"]);
        for (const reason of FINISH_REASONS) {
            success.inc({ ...this.labels, finished_reason: reason }, 0);
            created.mark(success.family, success.helpText, { ...this.labels, finished_reason: reason });
        }
        this.success = success;
        const tokens = buckets125(maxModelLen);
        this.h = {
            promptTokens: histogram("vllm:request_prompt_tokens", "Number of prefill tokens processed.", tokens),
            generationTokens: histogram("vllm:request_generation_tokens", "Number of generation tokens processed.", tokens),
            iterationTokens: histogram("vllm:iteration_tokens_total", "Histogram of number of tokens per engine_step.", ITERATION_TOKEN_BUCKETS),
            maxGeneration: histogram("vllm:request_max_num_generation_tokens", "Histogram of maximum number of requested generation tokens.", tokens),
            n: histogram("vllm:request_params_n", "Histogram of the n request parameter.", [1, 2, 5, 10, 20]),
            maxTokens: histogram("vllm:request_params_max_tokens", "Histogram of the max_tokens request parameter.", tokens),
            ttft: histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", TTFT_BUCKETS),
            // Deprecated in 0.11, still exported; the help text lacks a space in upstream too.
            tpot: histogram(
                "vllm:time_per_output_token_seconds",
                "Histogram of time per output token in seconds.DEPRECATED: Use vllm:inter_token_latency_seconds instead.",
                ITL_BUCKETS,
            ),
            itl: histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", ITL_BUCKETS),
            e2e: histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", REQUEST_LATENCY_BUCKETS),
            queue: histogram("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", REQUEST_LATENCY_BUCKETS),
            inference: histogram("vllm:request_inference_time_seconds", "Histogram of time spent in RUNNING phase for request.", REQUEST_LATENCY_BUCKETS),
            prefill: histogram("vllm:request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.", REQUEST_LATENCY_BUCKETS),
            decode: histogram("vllm:request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.", REQUEST_LATENCY_BUCKETS),
        };
    }

    /** `PrometheusStatLogger.record`: called once per engine step, like vLLM's frontend does. */
    record(s: StepStats): void {
        const l = this.labels;
        this.running.set(l, s.running);
        this.waiting.set(l, s.waiting);
        this.kvUsage.set(l, s.kvUsage);
        this.counters.prefixQueries.inc(l, s.prefixCacheQueries);
        this.counters.prompt.inc(l, s.promptTokens);
        this.counters.generation.inc(l, s.generationTokens);
        this.h.iterationTokens.observe(l, s.promptTokens + s.generationTokens);
        for (const v of s.maxGenerationTokens) this.h.maxGeneration.observe(l, v);
        for (const v of s.nParams) this.h.n.observe(l, v);
        for (const v of s.ttfts) this.h.ttft.observe(l, v);
        for (const v of s.itls) {
            this.h.itl.observe(l, v);
            this.h.tpot.observe(l, v);
        }
        for (const f of s.finished) {
            this.success.inc({ ...l, finished_reason: f.reason });
            this.h.e2e.observe(l, f.e2e);
            this.h.queue.observe(l, f.queued);
            this.h.prefill.observe(l, f.prefill);
            this.h.inference.observe(l, f.inference);
            this.h.decode.observe(l, f.decode);
            this.h.promptTokens.observe(l, f.promptTokens);
            this.h.generationTokens.observe(l, f.generationTokens);
            if (f.maxTokensParam) this.h.maxTokens.observe(l, f.maxTokensParam);
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
