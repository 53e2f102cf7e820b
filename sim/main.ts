/**
 * vllm-sim: a SIMULATOR of vLLM 0.11's OpenAI-compatible server, started like vLLM:
 *   node main.js [vllm serve flags...] [--sim-* knobs...]
 * It loads nothing and runs no model; see the README section "What is simulated".
 *
 * Start-up as in api_server.py `run_server`/`setup_server`: vLLM binds its socket before the
 * engine loads but only listens (uvicorn) after the load, so every connection is refused while
 * "loading weights". The simulator simply does not listen until `--sim-load-seconds` passed.
 */
import { parseSimArgs, SimConfig } from "./args";
import { simIdentity } from "./catalogue";
import { Engine } from "./engine";
import { EngineMetrics, HttpMetrics, Registry } from "./metrics";
import { createSimServer, ServerState } from "./server";

/** vLLM's VLLM_LOG_STATS_INTERVAL default: one stats line every 10 s while busy. */
const LOG_STATS_INTERVAL_MS = 10_000;

function log(line: string): void {
    process.stdout.write(`${new Date().toISOString()} [vllm-sim] ${line}\n`);
}

/** The periodic "Engine 000: Avg prompt throughput..." line of vLLM's LoggingStatLogger. */
function statsLogger(engine: Engine): NodeJS.Timeout {
    let last = engine.snapshot();
    let lastAt = Date.now();
    let wasBusy = false;
    return setInterval(() => {
        const now = Date.now();
        const cur = engine.snapshot();
        const secs = (now - lastAt) / 1000;
        const prompt = (cur.promptTokensTotal - last.promptTokensTotal) / secs;
        const gen = (cur.generationTokensTotal - last.generationTokensTotal) / secs;
        const busy = prompt > 0 || gen > 0;
        if (busy || wasBusy) {
            log(
                `Engine 000: Avg prompt throughput: ${prompt.toFixed(1)} tokens/s, Avg generation throughput: ${gen.toFixed(1)} tokens/s, ` +
                    `Running: ${cur.running} reqs, Waiting: ${cur.waiting} reqs, GPU KV cache usage: ${(cur.kvUsage * 100).toFixed(1)}%, Prefix cache hit rate: 0.0%`,
            );
        }
        wasBusy = busy;
        last = cur;
        lastAt = now;
    }, LOG_STATS_INTERVAL_MS).unref();
}

function faults(config: SimConfig, state: ServerState): void {
    const { healthFailAfterSeconds, crashAfterSeconds } = config.knobs;
    if (healthFailAfterSeconds !== undefined) {
        setTimeout(() => {
            state.dead = true;
            log("ERROR simulated EngineDeadError (--sim-health-fail-after-seconds): /health now answers 503");
        }, healthFailAfterSeconds * 1000).unref();
    }
    if (crashAfterSeconds !== undefined) {
        setTimeout(() => {
            log("ERROR simulated crash (--sim-crash-after-seconds): exiting with code 1");
            process.exit(1);
        }, crashAfterSeconds * 1000).unref();
    }
}

function main(): void {
    const parsed = parseSimArgs(process.argv.slice(2), process.env);
    if (parsed.kind === "error") {
        process.stderr.write(parsed.message);
        process.exit(2);
    }
    if (parsed.kind === "help") {
        process.stdout.write(parsed.text);
        process.exit(0);
    }
    const config = parsed.config;
    // The image's tag decides which release's metric names /metrics exports (unknown release: refuse).
    const identity = simIdentity(config.image);
    if (identity.kind === "unknown-version") {
        process.stderr.write(identity.message);
        process.exit(2);
    }
    const registry = new Registry();
    const http = new HttpMetrics(registry);
    // vLLM 0.11 creates the stat loggers only when stats are on (--disable-log-stats: no vllm:* metrics).
    const engineMetrics = config.disableLogStats ? undefined : new EngineMetrics(registry, config.servedModelNames[0], config.maxModelLen, identity.catalogue);
    const engine = new Engine(config, config.knobs, engineMetrics && ((s) => engineMetrics.record(s)));
    const state: ServerState = { dead: false, inFlight: 0 };
    const { server, drain } = createSimServer({ config, engine, registry, http, state, log, version: identity.version });
    const where = `http://${config.host ?? "0.0.0.0"}:${config.port}`;
    log(`vllm-sim ${identity.version}: a SIMULATOR of vLLM's OpenAI server (no model, no GPU). pid ${process.pid}`);
    log(`metric catalogue: ${identity.note}`);
    log(
        `model=${config.model} served_model_name=${config.servedModelNames.join(",")} max_num_seqs=${config.maxNumSeqs} ` +
            `max_num_batched_tokens=${config.maxNumBatchedTokens} max_model_len=${config.maxModelLen} api_key=${config.apiKeys.length > 0 ? "set" : "unset"} ` +
            `knobs=${JSON.stringify(config.knobs)}`,
    );
    log(`Simulating weight loading for ${config.knobs.loadSeconds} s: connections to ${where} are refused until then`);
    faults(config, state);
    let stopping = false;
    const loading = setTimeout(() => {
        server.on("error", (e) => {
            log(`ERROR cannot listen on ${where}: ${e.message}`);
            process.exit(1);
        });
        server.listen(config.port, config.host, () => {
            log(`Application startup complete. Uvicorn running on ${where} (simulated)`);
            if (!config.disableLogStats) statsLogger(engine);
        });
    }, config.knobs.loadSeconds * 1000);
    const stop = (signal: string) => {
        if (stopping) process.exit(0); // a second signal: do not wait any longer
        stopping = true;
        clearTimeout(loading);
        log(`${signal}: shutting down (waiting for ${state.inFlight} in-flight requests)`);
        if (!server.listening) process.exit(0);
        void drain().then(() => {
            engine.stop();
            log("Shutdown complete.");
            process.exit(0);
        });
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
}

main();
