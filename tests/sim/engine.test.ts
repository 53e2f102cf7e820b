import { expect } from "chai";
import { buckets, killAllSims, sample, scrape, SimProcess, startSim, stopSim, waitFor } from "./simProcess";

const LABELS = { model_name: "m", engine: "0" };

/** A streaming completion; resolves when the stream ends (the body is drained). */
async function complete(url: string, body: Record<string, unknown>): Promise<number> {
    const res = await fetch(`${url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "m", ...body }) });
    await res.text();
    return res.status;
}

describe("vLLM simulator: scheduler and engine metrics @process", function () {
    this.timeout(30_000);
    const sims: SimProcess[] = [];
    after(async () => {
        await Promise.all(sims.map(stopSim));
        killAllSims();
    });

    it("admits at most --max-num-seqs requests: 5 concurrent slow requests show running 2 / waiting 3, then 0 / 0", async () => {
        const sim = await startSim(["--served-model-name=m", "--max_num_seqs=2", "--sim-decode-ms-per-token=50", "--sim-output-tokens=30"]);
        sims.push(sim);
        const requests = Array.from({ length: 5 }, () => complete(sim.url, { prompt: "hello", stream: true }));
        const seen = await waitFor("running 2 / waiting 3 on /metrics", 5000, async () => {
            const m = await scrape(sim.url);
            const state = [sample(m, "vllm:num_requests_running", LABELS), sample(m, "vllm:num_requests_waiting", LABELS)];
            return state[0] === 2 && state[1] === 3 ? state : undefined;
        });
        expect(seen).to.deep.equal([2, 3]);
        expect(await Promise.all(requests)).to.deep.equal([200, 200, 200, 200, 200]);
        const idle = await scrape(sim.url);
        expect([sample(idle, "vllm:num_requests_running", LABELS), sample(idle, "vllm:num_requests_waiting", LABELS)]).to.deep.equal([0, 0]);
        expect(sample(idle, "vllm:request_success_total", { ...LABELS, finished_reason: "stop" })).to.equal(5);
        // Three requests waited at least one full request (30 x 50 ms) for a slot.
        const queue = buckets(idle, "vllm:request_queue_time_seconds");
        expect(queue["0.3"]).to.equal(2);
        expect(queue["+Inf"]).to.equal(5);
    });

    it("observes TTFT, inter-token latency and e2e in the buckets the knobs imply; finished_reason by cause", async () => {
        // 400 characters = 100 prompt tokens x 3 ms = 300 ms TTFT; 320 ms per decode step. The values sit
        // at least 50 ms inside their buckets (timers never fire early, but late on a busy machine).
        const sim = await startSim(["--served-model-name=m", "--sim-prefill-ms-per-token=3", "--sim-decode-ms-per-token=320", "--sim-output-tokens=4"]);
        sims.push(sim);
        expect(await complete(sim.url, { prompt: "p".repeat(400), max_tokens: 3 })).to.equal(200);
        expect(await complete(sim.url, { prompt: "p".repeat(400) })).to.equal(200);
        const m = await scrape(sim.url);
        const ttft = buckets(m, "vllm:time_to_first_token_seconds");
        expect([ttft["0.25"], ttft["0.5"], ttft["+Inf"]]).to.deep.equal([0, 2, 2]); // 0.3 s lands in (0.25, 0.5]
        const itl = buckets(m, "vllm:inter_token_latency_seconds");
        expect([itl["0.3"], itl["0.4"], itl["+Inf"]]).to.deep.equal([0, 5, 5]); // 2 + 3 gaps of 0.32 s
        expect(buckets(m, "vllm:time_per_output_token_seconds")).to.deep.equal(itl);
        const e2e = buckets(m, "vllm:e2e_request_latency_seconds"); // 0.3 + 2 x 0.32 = 0.94 s, 0.3 + 3 x 0.32 = 1.26 s
        expect([e2e["0.8"], e2e["1.5"]]).to.deep.equal([0, 2]);
        expect(sample(m, "vllm:request_success_total", { ...LABELS, finished_reason: "length" })).to.equal(1);
        expect(sample(m, "vllm:request_success_total", { ...LABELS, finished_reason: "stop" })).to.equal(1);
        expect(sample(m, "vllm:request_success_total", { ...LABELS, finished_reason: "abort" })).to.equal(0);
        expect(sample(m, "vllm:prompt_tokens_total", LABELS)).to.equal(200);
        expect(sample(m, "vllm:generation_tokens_total", LABELS)).to.equal(7);
    });

    it("drops a request from the batch when its client goes away (the slot frees for the next one)", async () => {
        const sim = await startSim(["--served-model-name=m", "--max-num-seqs=1", "--sim-decode-ms-per-token=20", "--sim-output-tokens=1000"]);
        sims.push(sim);
        const gone = new AbortController();
        const res = await fetch(`${sim.url}/v1/completions`, { method: "POST", body: JSON.stringify({ prompt: "x", stream: true }), signal: gone.signal });
        const reader = res.body!.getReader();
        await reader.read(); // the first token arrived: the request is running
        gone.abort();
        // With max-num-seqs=1, this request can only run once the abandoned one left the batch.
        const t0 = Date.now();
        expect(await complete(sim.url, { prompt: "y", max_tokens: 2 })).to.equal(200);
        expect(Date.now() - t0).to.be.below(5000);
        const m = await scrape(sim.url);
        expect([sample(m, "vllm:num_requests_running", LABELS), sample(m, "vllm:num_requests_waiting", LABELS)]).to.deep.equal([0, 0]);
    });

    it("exposes no vllm:* metrics with --disable-log-stats (vLLM 0.11 creates no stat loggers)", async () => {
        const sim = await startSim(["--disable-log-stats"]);
        sims.push(sim);
        const m = await scrape(sim.url);
        expect([...m.keys()].filter((n) => n.startsWith("vllm:"))).to.deep.equal([]);
        expect(m.has("http_requests_total")).to.equal(true);
    });
});
