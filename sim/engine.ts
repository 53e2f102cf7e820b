/**
 * The simulated engine: vLLM V1's continuous-batching scheduler reduced to what latency and
 * queueing depend on (vllm/v1/core/sched/scheduler.py, 0.11; elasticity notes §7).
 *
 * One step timer drives everything (no per-request sleeps), so queueing is real:
 * - a request enters `waiting` on arrival and is admitted FIFO, at the start of a step, while
 *   `running < max_num_seqs`, the step's token budget (`max_num_batched_tokens`) is not spent and
 *   its prompt fits in the KV cache (`--sim-kv-cache-tokens`);
 * - each step, every running request that finished its prompt decodes one token (1 budget
 *   token each); the rest of the budget prefills prompts in chunks (chunked prefill, on by default
 *   in V1); a request samples its first token in the step that completes its prompt;
 * - a step lasts `decode_ms` (if anything decodes) + `prefill_ms_per_token` x prefill tokens;
 * - after each step the stats (`running`, `waiting`, KV usage, TTFT/ITL, finished requests)
 *   go to the metrics sink, like `make_stats` + `record` once per step; while idle nothing is
 *   recorded, so the gauges keep their last value (normally 0/0).
 * Not simulated: preemption (num_preemptions stays 0), prefix-cache hits, speculative decoding.
 */
import { performance } from "node:perf_hooks";
import { FinishedStats, FinishReason, StepStats } from "./metrics";
import { SimKnobs } from "./args";

/** vLLM's KV cache is allocated in blocks of 16 tokens by default. */
const BLOCK_SIZE = 16;

export interface EngineLimits {
    maxNumSeqs: number;
    maxNumBatchedTokens: number;
}

/** What the HTTP layer hands to the engine; the callbacks run at step ends. */
export interface GenerationRequest {
    promptTokens: number;
    /** The request's max_tokens (already capped by the context length). */
    maxTokens: number;
    /** Whether max_tokens was set by the client (for vllm:request_params_max_tokens). */
    maxTokensParam: number | undefined;
    /** ignore_eos: generate exactly max_tokens. */
    ignoreEos: boolean;
    /** Token `index` was sampled; `final` is the finish reason when it is the last one. */
    onToken(index: number, final: FinishReason | null): void;
    onFinish(reason: FinishReason, generated: number): void;
}

interface Tracked {
    req: GenerationRequest;
    /** Tokens to generate and why it stops there. */
    target: number;
    reason: FinishReason;
    arrival: number;
    scheduledAt?: number;
    firstTokenAt?: number;
    lastTokenAt?: number;
    computedPrompt: number;
    generated: number;
    /** Prompt tokens prefilled in the step being executed. */
    chunk: number;
}

export interface EngineSnapshot {
    running: number;
    waiting: number;
    kvUsage: number;
    promptTokensTotal: number;
    generationTokensTotal: number;
}

/** ms -> s */
const s = (ms: number) => ms / 1000;

export class Engine {
    private readonly waiting: Tracked[] = [];
    private readonly running: Tracked[] = [];
    private timer: NodeJS.Timeout | undefined;
    private stepping = false;
    private promptTotal = 0;
    private generationTotal = 0;
    private lastKvUsage = 0;

    constructor(
        private readonly limits: EngineLimits,
        private readonly knobs: SimKnobs,
        private readonly sink: ((stats: StepStats) => void) | undefined,
    ) {}

    /** Queues a request; returns a function that aborts it (client went away). */
    add(req: GenerationRequest): () => void {
        // The model "stops by itself" after --sim-output-tokens unless max_tokens comes first.
        const natural = req.ignoreEos ? Infinity : this.knobs.outputTokens;
        const target = Math.max(1, Math.min(req.maxTokens, natural));
        const t: Tracked = { req, target, reason: target < natural ? "length" : "stop", arrival: performance.now(), computedPrompt: 0, generated: 0, chunk: 0 };
        this.waiting.push(t);
        this.kick();
        return () => this.abort(t);
    }

    snapshot(): EngineSnapshot {
        return {
            running: this.running.length,
            waiting: this.waiting.length,
            kvUsage: this.lastKvUsage,
            promptTokensTotal: this.promptTotal,
            generationTokensTotal: this.generationTotal,
        };
    }

    /** Stops stepping (shutdown). In-flight requests get no more tokens. */
    stop(): void {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        this.stepping = true;
    }

    private abort(t: Tracked): void {
        for (const queue of [this.waiting, this.running]) {
            const i = queue.indexOf(t);
            if (i >= 0) queue.splice(i, 1);
        }
    }

    private kick(): void {
        if (!this.stepping) this.startStep();
    }

    private kvTokens(): number {
        return this.running.reduce((sum, t) => sum + Math.ceil((t.computedPrompt + t.chunk + t.generated) / BLOCK_SIZE) * BLOCK_SIZE, 0);
    }

    /** Schedules one step (scheduler.schedule) and arms the timer for its duration. */
    private startStep(): void {
        if (this.running.length === 0 && this.waiting.length === 0) {
            this.stepping = false;
            return;
        }
        this.stepping = true;
        const start = performance.now();
        let budget = this.limits.maxNumBatchedTokens;
        let decoding = 0;
        let prefill = 0;
        for (const t of this.running) {
            t.chunk = 0;
            if (t.computedPrompt >= t.req.promptTokens) {
                if (budget > 0) {
                    decoding++;
                    budget--;
                }
            } else if (budget > 0) {
                t.chunk = Math.min(t.req.promptTokens - t.computedPrompt, budget);
                budget -= t.chunk;
                prefill += t.chunk;
            }
        }
        const admitted: Tracked[] = [];
        while (this.waiting.length > 0 && this.running.length < this.limits.maxNumSeqs && budget > 0) {
            const next = this.waiting[0];
            const need = Math.ceil(next.req.promptTokens / BLOCK_SIZE) * BLOCK_SIZE;
            if (this.kvTokens() + need > this.knobs.kvCacheTokens && this.running.length > 0) break;
            this.waiting.shift();
            next.scheduledAt = start;
            next.chunk = Math.min(next.req.promptTokens, budget);
            budget -= next.chunk;
            prefill += next.chunk;
            this.running.push(next);
            admitted.push(next);
        }
        const duration = (decoding > 0 ? this.knobs.decodeMsPerToken : 0) + prefill * this.knobs.prefillMsPerToken;
        this.timer = setTimeout(() => this.finishStep(admitted), duration);
    }

    /** The step's model output (update_from_output): tokens, finished requests, stats. */
    private finishStep(admitted: Tracked[]): void {
        const now = performance.now();
        const stats: StepStats = {
            running: 0, waiting: 0, kvUsage: 0, prefixCacheQueries: 0, promptTokens: 0, generationTokens: 0,
            ttfts: [], itls: [], maxGenerationTokens: [], nParams: [], finished: [],
        };
        // vLLM counts the prompt of newly scheduled requests as prefix-cache queries.
        stats.prefixCacheQueries = admitted.reduce((n, t) => n + t.req.promptTokens, 0);
        const done: Tracked[] = [];
        for (const t of this.running) {
            const wasPrefilling = t.computedPrompt < t.req.promptTokens;
            t.computedPrompt += t.chunk;
            t.chunk = 0;
            if (t.computedPrompt < t.req.promptTokens) continue; // still prefilling (chunked)
            if (wasPrefilling) {
                stats.promptTokens += t.req.promptTokens;
                stats.ttfts.push(s(now - t.arrival));
                stats.maxGenerationTokens.push(t.req.maxTokens);
                stats.nParams.push(1);
                t.firstTokenAt = now;
            } else {
                stats.itls.push(s(now - t.lastTokenAt!));
            }
            t.lastTokenAt = now;
            t.generated++;
            stats.generationTokens++;
            const last = t.generated >= t.target;
            t.req.onToken(t.generated - 1, last ? t.reason : null);
            if (last) done.push(t);
        }
        for (const t of done) {
            this.running.splice(this.running.indexOf(t), 1);
            stats.finished.push(this.finishedStats(t, now));
            t.req.onFinish(t.reason, t.generated);
        }
        this.promptTotal += stats.promptTokens;
        this.generationTotal += stats.generationTokens;
        this.lastKvUsage = Math.min(1, this.kvTokens() / this.knobs.kvCacheTokens);
        stats.running = this.running.length;
        stats.waiting = this.waiting.length;
        stats.kvUsage = this.lastKvUsage;
        this.sink?.(stats);
        this.timer = undefined;
        // Let pending I/O (new requests, client writes) run between steps.
        setImmediate(() => this.startStep());
    }

    private finishedStats(t: Tracked, now: number): FinishedStats {
        const scheduled = t.scheduledAt ?? t.arrival;
        const first = t.firstTokenAt ?? now;
        const last = t.lastTokenAt ?? now;
        return {
            reason: t.reason,
            e2e: s(now - t.arrival),
            queued: s(scheduled - t.arrival),
            prefill: s(first - scheduled),
            inference: s(last - scheduled),
            decode: s(last - first),
            promptTokens: t.req.promptTokens,
            generationTokens: t.generated,
            maxTokensParam: t.req.maxTokensParam,
        };
    }
}
