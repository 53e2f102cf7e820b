/**
 * The smoke client against a small local server speaking the OpenAI API subset vLLM serves
 * (GET /v1/models, POST /v1/chat/completions, Bearer API key): success and each failure.
 */
import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import { freePort } from "../env/ports";
import { EXIT_CODES, SMOKE_PROMPT, SmokeError, main, normalizeBaseUrl, parseArgs, runSmoke } from "../scripts/smoke";

interface FakeVllm {
    /** Served model names. */
    models: string[];
    /** Required Bearer key, or none. */
    apiKey?: string;
    /** What the model answers. */
    answer: string | null;
    /** Delay before answering chat completions. */
    chatDelayMs?: number;
    /** Status of /v1/models (to simulate a broken server). */
    modelsStatus?: number;
}

interface Server {
    url: string;
    requests: Array<{ method: string; path: string; auth?: string; body?: unknown }>;
    close(): Promise<void>;
}

async function startFakeVllm(cfg: FakeVllm): Promise<Server> {
    const requests: Server["requests"] = [];
    const json = (res: http.ServerResponse, status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
    };
    const server = http.createServer((req, res) => {
        let raw = "";
        req.on("data", (c) => (raw += c));
        req.on("end", () => {
            const body = raw ? JSON.parse(raw) : undefined;
            requests.push({ method: req.method ?? "", path: req.url ?? "", auth: req.headers.authorization, body });
            // vLLM's --api-key check: every /v1 route, 401 with an OpenAI-style error.
            if (cfg.apiKey && req.headers.authorization !== `Bearer ${cfg.apiKey}`) {
                return json(res, 401, { error: "Unauthorized" });
            }
            if (req.method === "GET" && req.url === "/v1/models") {
                if (cfg.modelsStatus) return json(res, cfg.modelsStatus, { error: { message: "boom" } });
                return json(res, 200, { object: "list", data: cfg.models.map((id) => ({ id, object: "model", owned_by: "vllm" })) });
            }
            if (req.method === "POST" && req.url === "/v1/chat/completions") {
                const reply = () => {
                    if (!cfg.models.includes(body?.model)) {
                        return json(res, 404, { object: "error", message: `The model \`${body?.model}\` does not exist.`, type: "NotFoundError", code: 404 });
                    }
                    json(res, 200, {
                        id: "chatcmpl-1",
                        object: "chat.completion",
                        model: body.model,
                        choices: [{ index: 0, message: { role: "assistant", content: cfg.answer }, finish_reason: "stop" }],
                        usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
                    });
                };
                if (cfg.chatDelayMs) setTimeout(reply, cfg.chatDelayMs);
                else reply();
                return;
            }
            json(res, 404, { error: "not found" });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err, all: () => [...out, ...err].join("\n") };
}

const KEY = "sk-test-0123456789abcdef";

describe("smoke check (scripts/smoke.ts)", function () {
    this.timeout(10_000);
    let server: Server | undefined;
    afterEach(async () => {
        await server?.close();
        server = undefined;
    });

    it("lists the model, sends the recipe's request with the key, reports the answer and latency", async () => {
        server = await startFakeVllm({ models: ["default"], apiKey: KEY, answer: "ok" });
        const r = await runSmoke({ url: `${server.url}/v1/`, model: "default", apiKey: KEY, timeoutMs: 5000 });
        expect(r.answer).to.equal("ok");
        expect(r.answerIsOk).to.equal(true);
        expect(r.models).to.deep.equal(["default"]);
        expect(r.modelsLatencyMs).to.be.at.least(0);
        expect(r.chatLatencyMs).to.be.at.least(0);
        expect(r.completionTokens).to.equal(2);
        expect(server.requests.map((q) => `${q.method} ${q.path}`)).to.deep.equal(["GET /v1/models", "POST /v1/chat/completions"]);
        expect(server.requests.every((q) => q.auth === `Bearer ${KEY}`)).to.equal(true);
        expect(server.requests[1].body).to.deep.equal({
            model: "default",
            messages: [{ role: "user", content: SMOKE_PROMPT }],
            max_tokens: 8,
            temperature: 0,
        });
        expect(SMOKE_PROMPT).to.equal("Reply with the single word: ok");
    });

    it("CLI: exit 0, prints answer and latency, never the key", async () => {
        server = await startFakeVllm({ models: ["default"], apiKey: KEY, answer: "OK." });
        const c = capture();
        const code = await main(["--url", server.url], { VLLM_API_KEY: KEY }, c.io);
        expect(code, c.all()).to.equal(EXIT_CODES.ok);
        expect(c.all()).to.contain('"OK."').and.to.match(/\d+ ms/).and.to.contain("smoke: OK").and.to.contain("$VLLM_API_KEY");
        expect(c.all()).to.not.contain(KEY);
    });

    it("401: unauthorized, exit 4, and the message says what to do", async () => {
        server = await startFakeVllm({ models: ["default"], apiKey: KEY, answer: "ok" });
        const err = await runSmoke({ url: server.url, model: "default", apiKey: "wrong", timeoutMs: 5000 }).catch((e) => e);
        expect(err).to.be.instanceOf(SmokeError);
        expect(err.kind).to.equal("unauthorized");
        expect(err.exitCode).to.equal(EXIT_CODES.unauthorized).and.to.equal(4);
        expect(err.message).to.contain("401").and.to.contain("rejected the API key");

        const c = capture();
        const code = await main(["--url", server.url], {}, c.io);
        expect(code).to.equal(4);
        expect(c.all()).to.contain("needs an API key").and.to.contain("--api-key-from-stack");
    });

    it("model not served: exit 5, lists what is served", async () => {
        server = await startFakeVllm({ models: ["qwen2.5-0.5b"], answer: "ok" });
        const c = capture();
        const code = await main(["--url", server.url, "--model", "default"], {}, c.io);
        expect(code).to.equal(EXIT_CODES.modelMissing).and.to.equal(5);
        expect(c.all()).to.contain('model "default" is not served').and.to.contain("qwen2.5-0.5b");
        expect(server.requests.map((q) => q.path)).to.deep.equal(["/v1/models"]);
    });

    it("empty answer: exit 6", async () => {
        for (const answer of ["", "   ", null]) {
            server = await startFakeVllm({ models: ["default"], answer });
            const err = await runSmoke({ url: server.url, model: "default", timeoutMs: 5000 }).catch((e) => e);
            expect(err, JSON.stringify(answer)).to.be.instanceOf(SmokeError);
            expect(err.kind).to.equal("emptyAnswer");
            expect(err.exitCode).to.equal(6);
            await server.close();
            server = undefined;
        }
    });

    it("unreachable port: exit 3 with the connection error", async () => {
        const port = await freePort();
        const c = capture();
        const code = await main(["--url", `http://127.0.0.1:${port}`], {}, c.io);
        expect(code).to.equal(EXIT_CODES.unreachable).and.to.equal(3);
        expect(c.all()).to.contain("cannot connect").and.to.contain("ECONNREFUSED");
    });

    it("no answer within --timeout: exit 7", async () => {
        server = await startFakeVllm({ models: ["default"], answer: "ok", chatDelayMs: 3000 });
        const c = capture();
        const code = await main(["--url", server.url, "--timeout", "0.3"], {}, c.io);
        expect(code).to.equal(EXIT_CODES.timeout).and.to.equal(7);
        expect(c.all()).to.contain("no response within 0.3 s");
    });

    it("other server errors: exit 8 with the status and body", async () => {
        server = await startFakeVllm({ models: ["default"], answer: "ok", modelsStatus: 500 });
        const c = capture();
        const code = await main(["--url", server.url], {}, c.io);
        expect(code).to.equal(EXIT_CODES.badResponse);
        expect(c.all()).to.contain("HTTP 500").and.to.contain("boom");
    });

    it("--api-key-from-stack reads `pulumi stack output apiKey --show-secrets --stack dev` and the served model name, never printing the key", async () => {
        server = await startFakeVllm({ models: ["qwen"], apiKey: KEY, answer: "ok" });
        const calls: string[][] = [];
        const run = async (cmd: string, args: string[]) => {
            calls.push([cmd, ...args]);
            if (args.includes("apiKey")) return `${KEY}\n`;
            if (args.includes("servedModelName")) return "qwen\n";
            throw new Error("unexpected");
        };
        const c = capture();
        const code = await main(["--url", server.url, "--api-key-from-stack", "--stack", "dev"], {}, c.io, run);
        expect(code, c.all()).to.equal(0);
        expect(calls).to.deep.equal([
            ["pulumi", "stack", "output", "apiKey", "--show-secrets", "--stack", "dev"],
            ["pulumi", "stack", "output", "servedModelName", "--stack", "dev"],
        ]);
        expect(c.all()).to.not.contain(KEY);
        expect(c.all()).to.contain("from stack dev output apiKey");
    });

    it("--api-key-from-stack fails clearly (exit 2) when the stack cannot be read", async () => {
        const c = capture();
        const code = await main(["--api-key-from-stack"], {}, c.io, async () => {
            throw new Error("pulumi stack output apiKey failed: no stack selected");
        });
        expect(code).to.equal(EXIT_CODES.usage);
        expect(c.all()).to.contain("could not read the API key from the stack").and.to.contain("no stack selected");
    });

    it("command line: usage errors exit 2; URLs are normalised", async () => {
        for (const argv of [["--bogus"], ["--url"], ["--timeout", "0"], ["--api-key", "x", "--api-key-from-stack"], ["--stack", "dev"], ["--url", "localhost:8000"]]) {
            const c = capture();
            expect(await main(argv, {}, c.io), argv.join(" ")).to.equal(EXIT_CODES.usage);
            expect(c.err.join("\n")).to.contain("usage:");
        }
        expect(parseArgs([]).url).to.equal("http://localhost:8000");
        expect(parseArgs(["--url=http://x:1/v1", "--timeout=5"])).to.include({ url: "http://x:1/v1", timeoutSeconds: 5 });
        expect(normalizeBaseUrl("http://localhost:8000/v1/")).to.equal("http://localhost:8000");
        expect(normalizeBaseUrl("https://gw.example.com/vllm/v1")).to.equal("https://gw.example.com/vllm");
    });
});
