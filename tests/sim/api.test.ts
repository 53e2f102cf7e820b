import { expect } from "chai";
import { killAllSims, sample, scrape, SimProcess, startSim, stopSim } from "./simProcess";

const KEY = "test-key-not-secret";
const auth = { Authorization: `Bearer ${KEY}` };

/** Splits an SSE body into its `data:` payloads. */
function events(body: string): string[] {
    expect(body.endsWith("data: [DONE]\n\n")).to.equal(true, body);
    return body
        .split("\n\n")
        .filter((e) => e !== "")
        .map((e) => {
            expect(e.startsWith("data: ")).to.equal(true, e);
            return e.slice("data: ".length);
        });
}

describe("vLLM simulator: OpenAI API and API key @process", function () {
    this.timeout(30_000);
    let sim: SimProcess;
    before(async () => {
        sim = await startSim(["--served-model-name=m", "--sim-decode-ms-per-token=2", "--sim-output-tokens=5"], { VLLM_API_KEY: KEY });
    });
    after(async () => {
        await stopSim(sim);
        killAllSims();
    });

    const post = (path: string, body: unknown, headers: Record<string, string> = auth) =>
        fetch(`${sim.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

    it("checks the key on /v1/* only (VLLM_API_KEY): 401 without or with a wrong key, 200 with it", async () => {
        const attempts: Array<Record<string, string>> = [{}, { Authorization: "Bearer wrong" }, { Authorization: KEY }];
        for (const headers of attempts) {
            const res = await fetch(`${sim.url}/v1/models`, { headers });
            expect(res.status).to.equal(401);
            expect(await res.json()).to.deep.equal({ error: "Unauthorized" });
        }
        expect((await post("/v1/chat/completions", { messages: [] }, {})).status).to.equal(401);
        expect((await fetch(`${sim.url}/v1/models`, { headers: { Authorization: `bearer ${KEY}` } })).status).to.equal(200);
        for (const open of ["/health", "/ping", "/metrics", "/version"]) expect((await fetch(`${sim.url}${open}`)).status, open).to.equal(200);
    });

    it("does not count 401s in http_requests_total (the auth middleware is outside the instrumentator)", async () => {
        const before = await scrape(sim.url);
        const ok = () => sample(before, "http_requests_total", { handler: "/v1/models", status: "2xx" });
        const okBefore = before.get("http_requests_total")!.samples.some((m) => m.labels.handler === "/v1/models") ? ok() : 0;
        await fetch(`${sim.url}/v1/models`);
        await fetch(`${sim.url}/v1/models`, { headers: auth });
        const after = await scrape(sim.url);
        expect(sample(after, "http_requests_total", { handler: "/v1/models", status: "2xx" })).to.equal(okBefore + 1);
        expect(after.get("http_requests_total")!.samples.filter((m) => m.labels.status === "4xx")).to.deep.equal([]);
        expect(after.get("http_requests_total")!.samples.some((m) => m.labels.handler === "/health")).to.equal(false);
    });

    it("answers a non-streaming chat completion with vLLM's shape and usage", async () => {
        const res = await post("/v1/chat/completions", { model: "m", messages: [{ role: "user", content: "x".repeat(40) }], max_tokens: 3 });
        expect(res.status).to.equal(200);
        const body = (await res.json()) as Record<string, any>;
        expect(body.id).to.match(/^chatcmpl-[0-9a-f]{32}$/);
        expect([body.object, body.model]).to.deep.equal(["chat.completion", "m"]);
        expect(body.choices).to.have.length(1);
        expect(body.choices[0].message.role).to.equal("assistant");
        expect(body.choices[0].message.content).to.be.a("string").and.not.equal("");
        expect(body.choices[0].finish_reason).to.equal("length");
        // 40 chars / 4 + 4 per message + 3 for the assistant header
        expect(body.usage).to.include({ prompt_tokens: 17, completion_tokens: 3, total_tokens: 20 });
    });

    it("streams chat chunks: role first, one chunk per token, finish_reason on the last, usage chunk, [DONE]", async () => {
        const res = await post("/v1/chat/completions", { model: "m", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } });
        expect(res.headers.get("content-type")).to.equal("text/event-stream; charset=utf-8");
        const data = events(await res.text());
        expect(data.at(-1)).to.equal("[DONE]");
        const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as Record<string, any>);
        expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.id === chunks[0].id)).to.equal(true);
        expect(chunks[0].choices[0].delta).to.deep.equal({ role: "assistant", content: "" });
        const tokens = chunks.slice(1, -1);
        expect(tokens).to.have.length(5); // --sim-output-tokens=5, no max_tokens: a natural stop
        expect(tokens.slice(0, -1).every((c) => c.choices[0].finish_reason === null)).to.equal(true);
        expect(tokens.at(-1)!.choices[0].finish_reason).to.equal("stop");
        expect(chunks.at(-1)).to.deep.include({ choices: [], usage: { prompt_tokens: 8, total_tokens: 13, completion_tokens: 5 } });
    });

    it("serves /v1/completions streaming and not, and rejects bad requests like vLLM", async () => {
        const full = (await (await post("/v1/completions", { model: "m", prompt: "abcdefgh", max_tokens: 2 })).json()) as Record<string, any>;
        expect([full.object, full.choices[0].finish_reason, full.usage.completion_tokens, full.usage.prompt_tokens]).to.deep.equal(["text_completion", "length", 2, 2]);
        const data = events(await (await post("/v1/completions", { model: "m", prompt: [1, 2, 3], max_tokens: 2, stream: true })).text());
        const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as Record<string, any>);
        expect(chunks.map((c) => c.choices[0].finish_reason)).to.deep.equal([null, "length"]);
        expect(chunks.every((c) => c.object === "text_completion" && typeof c.choices[0].text === "string")).to.equal(true);
        const unknown = await post("/v1/completions", { model: "nope", prompt: "x" });
        expect(unknown.status).to.equal(404);
        expect(((await unknown.json()) as any).error.message).to.equal("The model `nope` does not exist.");
        const tooLong = await post("/v1/completions", { model: "m", prompt: "x", max_tokens: 9000 });
        expect(tooLong.status).to.equal(400);
        expect(((await tooLong.json()) as any).error.message).to.match(/^This model's maximum context length is 8192 tokens/);
        expect((await post("/v1/chat/completions", { messages: "hi" })).status).to.equal(400);
    });
});
