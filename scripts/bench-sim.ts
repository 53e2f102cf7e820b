/**
 * Measures the simulator (run: `npx ts-node -T scripts/bench-sim.ts`): start-up to the first /health 200
 * with no simulated load time (median of 10), RSS of an idle simulator, and the requests/s one
 * simulator sustains with zero-cost knobs under the load generator (which shares the machine).
 * Figures, not assertions: nothing here fails on a slow machine.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { freePort } from "../env/ports";
import { simulatorComponent } from "../env/simulator";
import { runLoad } from "../loadgen";
import { ensureSimBuilt } from "../sim/build";

async function startupMs(main: string): Promise<number> {
    const port = await freePort();
    const t0 = performance.now();
    const child = spawn(process.execPath, [main, "--host", "127.0.0.1", "--port", String(port)], { stdio: "ignore" });
    try {
        for (let i = 0; i < 2000; i++) {
            const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false);
            if (ok) return performance.now() - t0;
            await new Promise((r) => setTimeout(r, 2));
        }
        throw new Error("simulator did not answer /health within the bound");
    } finally {
        child.kill("SIGTERM");
    }
}

/** The floor: how long a bare `node -e 0` takes to start and exit on this machine right now. */
function nodeFloorMs(): Promise<number> {
    const t0 = performance.now();
    return new Promise((resolve) => spawn(process.execPath, ["-e", "0"], { stdio: "ignore" }).once("exit", () => resolve(performance.now() - t0)));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
    const main = ensureSimBuilt();
    const times: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < 10; i++) {
        times.push(await startupMs(main));
        floor.push(await nodeFloorMs());
    }
    console.log(
        `start-up to first /health 200 (--sim-load-seconds=0): median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms ` +
            `(10 runs; bare \`node -e 0\` median ${median(floor).toFixed(0)} ms on this machine at the same time)`,
    );

    const { component: sim, url } = await simulatorComponent({
        args: ["--served-model-name=m", "--sim-prefill-ms-per-token=0", "--sim-decode-ms-per-token=0", "--sim-output-tokens=4"],
        logFile: path.join(os.tmpdir(), `bench-sim-${process.pid}.log`),
    });
    sim.start();
    try {
        await sim.ready();
        await new Promise((r) => setTimeout(r, 1000));
        const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
        console.log(`RSS of an idle simulator: ${rss(sim.process.pid).toFixed(0)} MiB`);
        const r = await runLoad({ endpoints: async () => [url], model: "m", seconds: 10, concurrency: 32, maxTokens: 4 });
        console.log(
            `one simulator, zero-cost knobs, 4 tokens per request, 32 concurrent streams: ${r.summary.requestsPerSecond.toFixed(0)} requests/s ` +
                `(${r.summary.ok} ok, ${r.summary.failed} failed); RSS after: ${rss(sim.process.pid).toFixed(0)} MiB`,
        );
    } finally {
        await sim.stop();
    }
}

void main();
