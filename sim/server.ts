/**
 * The HTTP side of vLLM 0.11's OpenAI server (vllm/entrypoints/openai/api_server.py), simulated:
 * routes, API-key check, HTTP metrics, streaming.
 *
 * Middleware order as in `build_app`: `mount_metrics(app)` adds the instrumentator first and the
 * `AuthenticationMiddleware` is added later, so it is the OUTER layer: a 401 is answered before
 * the instrumentator sees the request and is not counted in `http_requests_total`.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { createHash, timingSafeEqual } from "node:crypto";
import { SimConfig } from "./args";
import { Engine } from "./engine";
import { exposition, FinishReason, HttpMetrics, Registry } from "./metrics";
import { chunk, effectiveMaxTokens, Endpoint, errorBody, fullResponse, ParsedRequest, parseRequest, RequestError, requestId, tokenText, usage, usageChunk } from "./openai";

/** The vLLM release the simulator imitates without an image naming one (GET /version). */
export const SIMULATED_VLLM_VERSION = "0.11.0";
/** h11's default max incomplete event size in vLLM 0.11 (4 MB): larger bodies are refused. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** `Instrumentator(excluded_handlers=[...])` in api_server.py `mount_metrics`. */
const EXCLUDED_HANDLERS = new Set(["/metrics", "/health", "/load", "/ping", "/version", "/server_info"]);

export interface ServerState {
    /** An injected EngineDeadError: /health 503, inference 500. */
    dead: boolean;
    inFlight: number;
}

export interface ServerDeps {
    config: SimConfig;
    engine: Engine;
    registry: Registry;
    http: HttpMetrics;
    state: ServerState;
    log: (line: string) => void;
    /** The vLLM version imitated (from the image's tag, sim/catalogue.ts); default the pinned one. */
    version?: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, deps: ServerDeps) => void | Promise<void>;

interface Route {
    methods: string[];
    handler: Handler;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
}

/** AuthenticationMiddleware.verify_token: `Authorization: Bearer <one of the keys>`, scheme case-insensitive. */
function authorised(header: string | undefined, keys: string[]): boolean {
    if (!header) return false;
    const space = header.indexOf(" ");
    const scheme = space < 0 ? header : header.slice(0, space);
    if (scheme.toLowerCase() !== "bearer") return false;
    const given = createHash("sha256").update(space < 0 ? "" : header.slice(space + 1)).digest();
    return keys.reduce((ok, k) => timingSafeEqual(given, createHash("sha256").update(k).digest()) || ok, false);
}

const health: Handler = (_req, res, { state }) => {
    // api_server.py `health`: 200, or 503 when check_health raises EngineDeadError.
    res.writeHead(state.dead ? 503 : 200, { "content-length": 0 });
    res.end();
};

const models: Handler = (_req, res, { config }) => {
    const created = Math.floor(Date.now() / 1000);
    const data = config.servedModelNames.map((name) => ({
        id: name, object: "model", created, owned_by: "vllm", root: config.model, parent: null, max_model_len: config.maxModelLen,
        permission: [{
            id: `modelperm-${requestId("completion", undefined).slice(5)}`, object: "model_permission", created, allow_create_engine: false,
            allow_sampling: true, allow_logprobs: true, allow_search_indices: false, allow_view: true, allow_fine_tuning: false,
            organization: "*", group: null, is_blocking: false,
        }],
    }));
    sendJson(res, 200, { object: "list", data });
};

function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
        const parts: Buffer[] = [];
        let size = 0;
        req.on("data", (b: Buffer) => {
            size += b.length;
            if (size > MAX_BODY_BYTES) reject(new RequestError(413, "Request body too large"));
            else parts.push(b);
        });
        req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
        req.on("error", reject);
    });
}

/** Reads and checks a generation request; throws RequestError for what vLLM answers with 4xx. */
async function admitRequest(endpoint: Endpoint, req: IncomingMessage, config: SimConfig): Promise<{ r: ParsedRequest; maxTokens: number }> {
    let body: unknown;
    try {
        body = JSON.parse(await readBody(req));
    } catch (e) {
        throw e instanceof RequestError ? e : new RequestError(400, "JSON decode error");
    }
    const r = parseRequest(endpoint, body);
    if (r.model !== undefined && !config.servedModelNames.includes(r.model)) {
        throw new RequestError(404, `The model \`${r.model}\` does not exist.`, "NotFoundError");
    }
    return { r, maxTokens: effectiveMaxTokens(r, config.maxModelLen) };
}

/** Hands the request to the engine and writes tokens as steps produce them (SSE or one JSON body). */
function serve(endpoint: Endpoint, r: ParsedRequest, maxTokens: number, req: IncomingMessage, res: ServerResponse, deps: ServerDeps): void {
    const { config, engine, state } = deps;
    const head = { id: requestId(endpoint, req.headers["x-request-id"] as string | undefined), created: Math.floor(Date.now() / 1000), model: config.servedModelNames[0] };
    const sse = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
    let text = "";
    let finished = false;
    state.inFlight++;
    if (r.stream) res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
    const abort = engine.add({
        promptTokens: r.promptTokens,
        maxTokens,
        maxTokensParam: r.maxTokensParam,
        ignoreEos: r.ignoreEos,
        onToken: (i, final) => {
            if (!r.stream) {
                text += tokenText(i);
                return;
            }
            // serving_chat.py sends the role chunk when the first output arrives; the last
            // token's chunk carries finish_reason.
            if (i === 0 && endpoint === "chat") sse(chunk(endpoint, head, { role: "assistant", content: "" }, null));
            const u = r.continuousUsage ? usage(r.promptTokens, i + 1) : undefined;
            sse(chunk(endpoint, head, { content: tokenText(i) }, final, u));
        },
        onFinish: (reason: FinishReason, generated: number) => {
            finished = true;
            state.inFlight--;
            const u = usage(r.promptTokens, generated);
            if (!r.stream) {
                sendJson(res, 200, fullResponse(endpoint, head, text, reason, u));
                return;
            }
            if (r.includeUsage) sse(usageChunk(endpoint, head, u));
            res.end("data: [DONE]\n\n");
        },
    });
    // The client went away: the request leaves the batch (vLLM aborts it).
    res.on("close", () => {
        if (finished) return;
        finished = true;
        state.inFlight--;
        abort();
    });
}

function generate(endpoint: Endpoint): Handler {
    return async (req, res, deps) => {
        try {
            const { r, maxTokens } = await admitRequest(endpoint, req, deps.config);
            if (deps.state.dead) {
                sendJson(res, 500, errorBody(500, "EngineCore encountered an issue. See stack trace (above) for the root cause.", "InternalServerError"));
                return;
            }
            serve(endpoint, r, maxTokens, req, res, deps);
        } catch (e) {
            if (!(e instanceof RequestError)) throw e;
            sendJson(res, e.status, errorBody(e.status, e.message, e.type));
        }
    };
}

const ROUTES: Record<string, Route> = {
    "/health": { methods: ["GET"], handler: health },
    "/ping": { methods: ["GET", "POST"], handler: health },
    "/load": { methods: ["GET"], handler: (_q, res, { state, config }) => sendJson(res, 200, { server_load: config.serverLoadTracking ? state.inFlight : 0 }) },
    "/version": {
        methods: ["GET"],
        handler: (_q, res, { version }) => sendJson(res, 200, { version: version ?? SIMULATED_VLLM_VERSION, simulator: "vllm-sim: a simulator of vLLM's OpenAI server, not vLLM" }),
    },
    "/v1/models": { methods: ["GET"], handler: models },
    "/v1/chat/completions": { methods: ["POST"], handler: generate("chat") },
    "/v1/completions": { methods: ["POST"], handler: generate("completion") },
};

async function metrics(res: ServerResponse, registry: Registry): Promise<void> {
    const text = await exposition(registry);
    res.writeHead(200, { "content-type": registry.contentType, "content-length": Buffer.byteLength(text) });
    res.end(text);
}

/** Routes one request; returns the handler label the instrumentator would use. */
function dispatch(path: string, req: IncomingMessage, res: ServerResponse, deps: ServerDeps): string {
    // api_server.py mounts prometheus_client's ASGI app at /metrics with path_regex ^/metrics(.*)$.
    if (path === "/metrics" || path.startsWith("/metrics/")) {
        void metrics(res, deps.registry);
        return "/metrics";
    }
    const route = ROUTES[path];
    if (!route) {
        sendJson(res, 404, { detail: "Not Found" });
        return "none";
    }
    if (!route.methods.includes(req.method ?? "")) {
        sendJson(res, 405, { detail: "Method Not Allowed" });
        return path;
    }
    Promise.resolve(route.handler(req, res, deps)).catch((e: Error) => {
        deps.log(`ERROR ${req.method} ${path}: ${e.stack ?? e.message}`);
        if (!res.headersSent) sendJson(res, 500, errorBody(500, "Internal Server Error", "InternalServerError"));
        else res.end();
    });
    return path;
}

function handle(req: IncomingMessage, res: ServerResponse, deps: ServerDeps): void {
    const { config, http, log } = deps;
    const started = performance.now();
    let path = (req.url ?? "/").split("?")[0];
    if (config.rootPath && path.startsWith(config.rootPath)) path = path.slice(config.rootPath.length) || "/";
    res.on("finish", () => log(`INFO:     ${req.socket.remoteAddress}:${req.socket.remotePort} - "${req.method} ${req.url} HTTP/${req.httpVersion}" ${res.statusCode}`));
    if (config.apiKeys.length > 0 && req.method !== "OPTIONS" && path.startsWith("/v1") && !authorised(req.headers.authorization, config.apiKeys)) {
        sendJson(res, 401, { error: "Unauthorized" });
        return;
    }
    const handler = dispatch(path, req, res, deps);
    if (EXCLUDED_HANDLERS.has(handler)) return;
    res.on("close", () => {
        const seconds = (performance.now() - started) / 1000;
        const inBytes = Number(req.headers["content-length"] ?? 0) || 0;
        const outBytes = Number(res.getHeader("content-length") ?? 0) || 0;
        http.observe(req.method ?? "GET", res.statusCode, handler, seconds, inBytes, outBytes);
    });
}

export interface SimServer {
    server: Server;
    /**
     * Graceful stop (uvicorn's): stop accepting, close idle keep-alive connections, let in-flight
     * responses (streams included) finish, then close their connections. Resolves when all are closed.
     */
    drain(): Promise<void>;
}

export function createSimServer(deps: ServerDeps): SimServer {
    const sockets = new Set<Socket>();
    const busy = new Set<Socket>();
    let draining = false;
    const server = createServer((req, res) => {
        busy.add(req.socket);
        res.on("close", () => {
            busy.delete(req.socket);
            if (draining) req.socket.end();
        });
        handle(req, res, deps);
    });
    server.on("connection", (socket: Socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
    });
    const drain = () =>
        new Promise<void>((resolve) => {
            draining = true;
            server.close(() => resolve());
            for (const socket of sockets) if (!busy.has(socket)) socket.end();
        });
    return { server, drain };
}
