import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { OBSERVED, runLoad, summaryLine, writeChart } from "../../loadgen";
import { killAllSims, SimProcess, startSim, stopSim } from "../sim/simProcess";

const KEY = "loadgen-test-key";
/** 760 characters = 190 tokens, + 7 for the chat template = 197 prompt tokens in the simulator. */
const PROMPT = "p".repeat(760);
const PREFILL_MS_PER_TOKEN = 2;
const DECODE_MS = 50;
const EXPECTED_TTFT_MS = 197 * PREFILL_MS_PER_TOKEN;

describe("load generator against real simulator processes @process", function () {
    this.timeout(60_000);
    const sims: SimProcess[] = [];
    let dir: string;
    before(async () => {
        dir = mkdtempSync(path.join(tmpdir(), "loadgen-"));
        const knobs = [`--sim-prefill-ms-per-token=${PREFILL_MS_PER_TOKEN}`, `--sim-decode-ms-per-token=${DECODE_MS}`, "--served-model-name=m"];
        sims.push(await startSim(knobs, { VLLM_API_KEY: KEY }), await startSim(knobs, { VLLM_API_KEY: KEY }));
    });
    after(async () => {
        await Promise.all(sims.map(stopSim));
        killAllSims();
        rmSync(dir, { recursive: true, force: true });
    });

    it("spreads requests over both endpoints and measures TTFT and ITL close to the simulator's knobs", async () => {
        const lines: string[] = [];
        const result = await runLoad({
            endpoints: async () => sims.map((s) => s.url),
            apiKey: KEY,
            model: "m",
            seconds: 3,
            concurrency: 2,
            maxTokens: 6,
            prompt: PROMPT,
            tickSeconds: 1,
            onTick: (l) => lines.push(l),
        });
        const s = result.summary;
        expect(s.failed, JSON.stringify(s.failures)).to.equal(0);
        const counts = sims.map((sim) => s.perEndpoint[sim.url] ?? 0);
        expect(Math.min(...counts)).to.be.at.least(0.3 * (counts[0] + counts[1]));
        // Tolerance of the medians: -5 % / +100 ms for TTFT, -5 % / +25 ms for ITL (HTTP and timer overhead
        // on a busy 2-core machine; two requests occasionally share a step).
        expect(s.ttftP50Ms).to.be.within(EXPECTED_TTFT_MS * 0.95, EXPECTED_TTFT_MS + 100);
        expect(s.itlP50Ms).to.be.within(DECODE_MS * 0.95, DECODE_MS + 25);
        expect(result.requests.every((r) => r.tokens === 6)).to.equal(true);
        expect(lines.length).to.be.at.least(3);
        expect(lines[lines.length - 1]).to.match(/TTFT p50 \d+ ms p95 \d+ ms \| ok \d+ failed 0/);
    });

    it("re-reads the endpoints, records observations, and renders the summary line and the chart", async () => {
        const t0 = Date.now();
        let calls = 0;
        const result = await runLoad({
            // The second replica becomes ready after one second.
            endpoints: async () => (Date.now() - t0 < 1000 ? [sims[0].url] : sims.map((s) => s.url)),
            apiKey: KEY,
            model: "m",
            seconds: 3,
            concurrency: 2,
            maxTokens: 4,
            prompt: "hello",
            tickSeconds: 0.5,
            observe: async () => {
                calls++;
                const late = Date.now() - t0 >= 1500;
                return { [OBSERVED.desiredReplicas]: late ? 2 : 1, [OBSERVED.readyReplicas]: late ? 2 : 1, [OBSERVED.queuePerReplica]: calls === 1 ? "<unknown>" : late ? 0.5 : 3 };
            },
        });
        const second = result.requests.filter((r) => r.endpoint === sims[1].url);
        expect(second.length).to.be.greaterThan(0);
        expect(Math.min(...second.map((r) => r.startedAt))).to.be.at.least(900);
        const line = summaryLine(result);
        expect(line).to.match(/^scaled 1 -> 2 replicas in [12] s; client TTFT p50 \d+ ms, p95 \d+ ms; ITL p50 \d+ ms; \d+ ok, 0 failed; [\d.]+ req\/s over 3 s$/);
        const file = writeChart(result, path.join(dir, "run.svg"));
        expect(path.isAbsolute(file)).to.equal(true);
        const svg = readFileSync(file, "utf8");
        expect(svg.startsWith("<svg")).to.equal(true);
        for (const series of ["desired", "ready", "queue/replica", "p50", "p95"]) expect(svg).to.contain(`data-series="${series}"`);
        // The step line of desired replicas has a point at 1 and one at 2 replicas: two distinct heights.
        const desired = /data-series="desired"[^>]*points="([^"]+)"/.exec(svg)![1];
        expect(new Set(desired.split(" ").map((p) => p.split(",")[1])).size).to.equal(2);
    });

    it("counts failures by cause (a wrong API key answers 401)", async () => {
        const result = await runLoad({ endpoints: async () => [sims[0].url], apiKey: "wrong", model: "m", seconds: 0.5, concurrency: 1, maxRequests: 3 });
        expect(result.summary.ok).to.equal(0);
        expect(result.summary.failures).to.deep.equal({ "401": 3 });
        expect(summaryLine(result)).to.match(/^replicas not observed; .* 0 ok, 3 failed \(3x 401\)/);
    });
});
