/**
 * A bounded load generator for an OpenAI-compatible server (vLLM or the simulator): `concurrency`
 * workers send streaming chat completions round-robin over the current endpoints (re-read every
 * second, so new replicas get traffic), for `seconds` and at most `maxRequests` requests. Every
 * `tickSeconds` it asks the caller for observations (replicas, queue per replica...) and emits a
 * progress line; the result holds that time series and a summary. No Kubernetes knowledge here.
 */
import { performance } from "node:perf_hooks";
import { RequestOutcome, streamChat } from "./client";
import { ms, percentile } from "./stats";

/** Observation keys the progress line, the chart and the summary line understand. */
export const OBSERVED = {
    desiredReplicas: "desiredReplicas",
    readyReplicas: "readyReplicas",
    /** The HPA's current value of its Pods metric (a number, or e.g. "<unknown>"). */
    queuePerReplica: "queuePerReplica",
} as const;

export type Observation = Record<string, number | string>;

export interface LoadOptions {
    /** Base URLs (`http://10.244.0.3:8000`) of the ready endpoints; called every second. */
    endpoints: () => Promise<string[]>;
    apiKey?: string;
    model: string;
    seconds: number;
    concurrency: number;
    /** max_tokens of every request (default 64). */
    maxTokens?: number;
    /** Upper bound on requests sent (default concurrency x seconds x 50). */
    maxRequests?: number;
    /** The user message (default: a short fixed prompt). */
    prompt?: string;
    /** Called every `tickSeconds`, and once at the start and the end. */
    observe?: () => Promise<Observation>;
    onTick?: (line: string) => void;
    /** Seconds between progress lines (default 3). */
    tickSeconds?: number;
    /** Per-request timeout (default 120 s). */
    requestTimeoutSeconds?: number;
    /** Trailing window of the per-tick TTFT percentiles (default max(5 s, tickSeconds)). */
    ttftWindowSeconds?: number;
}

export interface TickPoint {
    /** Seconds since the run started. */
    t: number;
    observed: Observation;
    /** Client TTFT percentiles of requests whose first token arrived in the trailing window. */
    ttftP50Ms: number | undefined;
    ttftP95Ms: number | undefined;
    ok: number;
    failed: number;
    inFlight: number;
}

export interface LoadSummary {
    ok: number;
    failed: number;
    /** Failure causes (HTTP status or network error code) and their counts. */
    failures: Record<string, number>;
    ttftP50Ms: number | undefined;
    ttftP95Ms: number | undefined;
    itlP50Ms: number | undefined;
    itlP95Ms: number | undefined;
    requestsPerSecond: number;
    /** Requests sent to each endpoint. */
    perEndpoint: Record<string, number>;
}

export interface LoadResult {
    startedAt: string;
    seconds: number;
    series: TickPoint[];
    summary: LoadSummary;
    requests: RequestOutcome[];
}

const DEFAULT_PROMPT = "Explain in a few sentences why autoscaling an inference server on queue depth works better than on GPU utilisation.";

class Run {
    readonly origin = performance.now();
    readonly outcomes: RequestOutcome[] = [];
    readonly series: TickPoint[] = [];
    endpoints: string[] = [];
    sent = 0;
    inFlight = 0;
    /** Outcomes of requests still streaming (filled in as chunks arrive). */
    readonly streaming = new Set<RequestOutcome>();
    private next = 0;
    private ticking = false;

    constructor(readonly opts: LoadOptions) {}

    elapsed(): number {
        return (performance.now() - this.origin) / 1000;
    }

    pickEndpoint(): string | undefined {
        if (this.endpoints.length === 0) return undefined;
        return this.endpoints[this.next++ % this.endpoints.length];
    }

    async refreshEndpoints(): Promise<void> {
        try {
            this.endpoints = (await this.opts.endpoints()).map((e) => e.replace(/\/+$/, ""));
        } catch (e) {
            this.opts.onTick?.(`endpoints: ${(e as Error).message} (keeping ${this.endpoints.length})`);
        }
    }

    /** A periodic tick is skipped while the previous one still waits for `observe`. */
    async tick(periodic = false): Promise<void> {
        if (periodic && this.ticking) return;
        this.ticking = true;
        try {
            await this.observeAndRecord();
        } finally {
            this.ticking = false;
        }
    }

    private async observeAndRecord(): Promise<void> {
        let observed: Observation = {};
        try {
            observed = (await this.opts.observe?.()) ?? {};
        } catch (e) {
            observed = { error: (e as Error).message };
        }
        const now = performance.now() - this.origin;
        const windowMs = (this.opts.ttftWindowSeconds ?? Math.max(5, this.opts.tickSeconds ?? 3)) * 1000;
        // Requests still in flight count too once their first token arrived (streams are long).
        const recent = [...this.outcomes, ...this.streaming]
            .filter((o) => o.firstTokenAt !== undefined && o.firstTokenAt > now - windowMs && o.firstTokenAt <= now)
            .map((o) => o.ttftMs!);
        const point: TickPoint = {
            t: now / 1000,
            observed,
            ttftP50Ms: percentile(recent, 50),
            ttftP95Ms: percentile(recent, 95),
            ok: this.outcomes.filter((o) => o.ok).length,
            failed: this.outcomes.filter((o) => !o.ok).length,
            inFlight: this.inFlight,
        };
        this.series.push(point);
        this.opts.onTick?.(progressLine(point));
    }
}

/** `t=  12s replicas 1/1 queue/replica 3 | TTFT p50 120 ms p95 340 ms | ok 45 failed 0` (+ other observed fields). */
export function progressLine(p: TickPoint): string {
    const o = p.observed;
    const known = new Set<string>(Object.values(OBSERVED));
    const replicas = `replicas ${o[OBSERVED.desiredReplicas] ?? "?"}/${o[OBSERVED.readyReplicas] ?? "?"} (desired/ready)`;
    const queue = `queue/replica ${o[OBSERVED.queuePerReplica] ?? "?"}`;
    const extra = Object.entries(o)
        .filter(([k]) => !known.has(k))
        .map(([k, v]) => `${k} ${v}`);
    return [`t=${p.t.toFixed(0).padStart(4)}s ${replicas} ${queue}`, `TTFT p50 ${ms(p.ttftP50Ms)} p95 ${ms(p.ttftP95Ms)}`, `ok ${p.ok} failed ${p.failed} in-flight ${p.inFlight}`, ...extra].join(" | ");
}

async function worker(run: Run, deadline: number, maxRequests: number): Promise<void> {
    const o = run.opts;
    for (let i = 0; i < maxRequests && run.sent < maxRequests && run.elapsed() < deadline; i++) {
        const endpoint = run.pickEndpoint();
        if (!endpoint) {
            await new Promise((r) => setTimeout(r, 200));
            continue;
        }
        run.sent++;
        run.inFlight++;
        const timeoutMs = Math.min((o.requestTimeoutSeconds ?? 120) * 1000, Math.max(1000, (deadline - run.elapsed()) * 1000 + 30_000));
        const spec = { baseUrl: endpoint, apiKey: o.apiKey, model: o.model, prompt: o.prompt ?? DEFAULT_PROMPT, maxTokens: o.maxTokens ?? 64, timeoutMs };
        const outcome = await streamChat(spec, run.origin, (live) => run.streaming.add(live));
        run.streaming.delete(outcome);
        run.inFlight--;
        run.outcomes.push(outcome);
        // A refused connection fails in microseconds: back off instead of spinning.
        if (!outcome.ok) await new Promise((r) => setTimeout(r, 100));
    }
}

function summarise(run: Run, seconds: number): LoadSummary {
    const ok = run.outcomes.filter((o) => o.ok);
    const failures: Record<string, number> = {};
    const perEndpoint: Record<string, number> = {};
    for (const o of run.outcomes) {
        perEndpoint[o.endpoint] = (perEndpoint[o.endpoint] ?? 0) + 1;
        if (!o.ok) failures[o.status] = (failures[o.status] ?? 0) + 1;
    }
    const ttfts = ok.map((o) => o.ttftMs!).filter((v) => v !== undefined);
    const itls = ok.flatMap((o) => o.itlMs);
    return {
        ok: ok.length,
        failed: run.outcomes.length - ok.length,
        failures,
        ttftP50Ms: percentile(ttfts, 50),
        ttftP95Ms: percentile(ttfts, 95),
        itlP50Ms: percentile(itls, 50),
        itlP95Ms: percentile(itls, 95),
        requestsPerSecond: ok.length / Math.max(seconds, 1e-9),
        perEndpoint,
    };
}

/** Runs the load; resolves when every worker is done (in-flight requests are awaited). */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
    if (!(opts.seconds > 0) || !(opts.concurrency >= 1) || !Number.isInteger(opts.concurrency)) {
        throw new Error(`runLoad: seconds must be > 0 and concurrency an integer >= 1 (got seconds=${opts.seconds}, concurrency=${opts.concurrency})`);
    }
    const run = new Run(opts);
    const startedAt = new Date().toISOString();
    const maxRequests = opts.maxRequests ?? Math.ceil(opts.concurrency * opts.seconds * 50);
    await run.refreshEndpoints();
    await run.tick();
    const refresher = setInterval(() => void run.refreshEndpoints(), 1000);
    const ticker = setInterval(() => void run.tick(true), (opts.tickSeconds ?? 3) * 1000);
    try {
        await Promise.all(Array.from({ length: opts.concurrency }, () => worker(run, opts.seconds, maxRequests)));
    } finally {
        clearInterval(refresher);
        clearInterval(ticker);
    }
    await run.tick();
    const seconds = run.elapsed();
    return { startedAt, seconds, series: run.series, summary: summarise(run, seconds), requests: run.outcomes };
}
