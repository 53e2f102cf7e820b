/**
 * Smoke check of a running vLLM OpenAI-compatible endpoint: the recipe's step 5 as a command.
 *
 *   npm run smoke -- --url http://localhost:8000 [--model default]
 *                    [--api-key KEY | --api-key-from-stack [--stack dev]] [--timeout 60]
 *
 * 1. GET /v1/models and check the served model name is listed;
 * 2. POST /v1/chat/completions with "Reply with the single word: ok" (max_tokens 8, temperature 0);
 * 3. print the answer and both latencies.
 *
 * The API key comes from --api-key, else `pulumi stack output apiKey --show-secrets` with
 * --api-key-from-stack, else $VLLM_API_KEY, else none. It is never printed.
 * Each failure has its own exit code and message (see EXIT_CODES). Node's built-in fetch only.
 */
import { execFile } from "child_process";
import { performance } from "perf_hooks";
import { parseArgs as parseCli } from "util";

export const SMOKE_PROMPT = "Reply with the single word: ok";

export const EXIT_CODES = {
    ok: 0,
    /** Bad command line, or the stack could not be read. */
    usage: 2,
    /** Connection refused, DNS failure, reset... */
    unreachable: 3,
    /** 401/403: missing or wrong API key. */
    unauthorized: 4,
    /** The served model name is not in /v1/models (or the server says it does not exist). */
    modelMissing: 5,
    /** The completion came back without text. */
    emptyAnswer: 6,
    /** No response within --timeout. */
    timeout: 7,
    /** Any other unexpected status or body. */
    badResponse: 8,
} as const;

export type SmokeFailureKind = Exclude<keyof typeof EXIT_CODES, "ok" | "usage">;

export class SmokeError extends Error {
    constructor(
        readonly kind: SmokeFailureKind,
        message: string,
    ) {
        super(message);
        this.name = "SmokeError";
    }
    get exitCode(): number {
        return EXIT_CODES[this.kind];
    }
}

/** A bad command line or option. */
export class UsageError extends Error {}

export interface SmokeOptions {
    /** Server base URL, with or without a trailing `/v1`. */
    url: string;
    /** The `--served-model-name` clients send. */
    model: string;
    apiKey?: string;
    /** Per request. */
    timeoutMs: number;
}

export interface SmokeResult {
    baseUrl: string;
    models: string[];
    model: string;
    answer: string;
    /** True when the answer is "ok" (any case, punctuation ignored). */
    answerIsOk: boolean;
    modelsLatencyMs: number;
    chatLatencyMs: number;
    finishReason?: string;
    completionTokens?: number;
}

/** `http://host:8000/`, `http://host:8000/v1` and `http://host:8000/v1/` all give `http://host:8000`. */
export function normalizeBaseUrl(url: string): string {
    let u: URL;
    try {
        u = new URL(url);
    } catch {
        throw new UsageError(`--url ${JSON.stringify(url)} is not a URL (e.g. http://localhost:8000)`);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
        throw new UsageError(`--url must be http(s), got ${u.protocol}`);
    }
    let p = u.pathname.replace(/\/+$/, "");
    if (p.endsWith("/v1")) p = p.slice(0, -3);
    return `${u.protocol}//${u.host}${p}`;
}

function describeNetworkError(e: unknown): string {
    const err = e as { message?: string; cause?: { code?: string; message?: string } };
    const cause = err.cause?.code ?? err.cause?.message;
    return cause ? `${err.message ?? "error"} (${cause})` : (err.message ?? String(e));
}

async function request(
    method: "GET" | "POST",
    url: string,
    opts: SmokeOptions,
    body?: unknown,
): Promise<{ status: number; text: string; ms: number }> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const started = performance.now();
    let res: Response;
    try {
        res = await fetch(url, {
            method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(opts.timeoutMs),
        });
    } catch (e) {
        const name = (e as { name?: string }).name;
        if (name === "TimeoutError" || name === "AbortError") {
            throw new SmokeError("timeout", `${method} ${url}: no response within ${opts.timeoutMs / 1000} s`);
        }
        throw new SmokeError("unreachable", `${method} ${url}: cannot connect: ${describeNetworkError(e)}. Is the port-forward running?`);
    }
    let text: string;
    try {
        text = await res.text();
    } catch (e) {
        const name = (e as { name?: string }).name;
        if (name === "TimeoutError" || name === "AbortError") {
            throw new SmokeError("timeout", `${method} ${url}: response not complete within ${opts.timeoutMs / 1000} s`);
        }
        throw new SmokeError("unreachable", `${method} ${url}: connection lost while reading the response: ${describeNetworkError(e)}`);
    }
    return { status: res.status, text, ms: Math.round(performance.now() - started) };
}

function snippet(text: string): string {
    const t = text.replace(/\s+/g, " ").trim();
    return t.length > 300 ? `${t.slice(0, 300)}...` : t;
}

function checkStatus(what: string, r: { status: number; text: string }, opts: SmokeOptions): void {
    if (r.status === 401 || r.status === 403) {
        throw new SmokeError(
            "unauthorized",
            opts.apiKey
                ? `${what}: HTTP ${r.status}: the server rejected the API key. Is it the key of this stack (--api-key-from-stack --stack <name>)?`
                : `${what}: HTTP ${r.status}: the server needs an API key. Pass --api-key-from-stack (or --api-key, or set VLLM_API_KEY).`,
        );
    }
    if (r.status < 200 || r.status >= 300) {
        throw new SmokeError("badResponse", `${what}: HTTP ${r.status}: ${snippet(r.text)}`);
    }
}

function parseJson(what: string, text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        throw new SmokeError("badResponse", `${what}: response is not JSON: ${snippet(text)}`);
    }
}

/** Runs the smoke check. Resolves with what it saw; rejects with a {@link SmokeError}. */
export async function runSmoke(opts: SmokeOptions): Promise<SmokeResult> {
    const base = normalizeBaseUrl(opts.url);

    // 1. the model is loaded and listed
    const modelsUrl = `${base}/v1/models`;
    const m = await request("GET", modelsUrl, opts);
    checkStatus(`GET ${modelsUrl}`, m, opts);
    const list = parseJson(`GET ${modelsUrl}`, m.text) as { data?: Array<{ id?: unknown }> };
    if (!list || !Array.isArray(list.data)) {
        throw new SmokeError("badResponse", `GET ${modelsUrl}: expected {"data": [...]}, got ${snippet(m.text)}`);
    }
    const models = list.data.map((d) => String(d?.id));
    if (!models.includes(opts.model)) {
        throw new SmokeError(
            "modelMissing",
            `model "${opts.model}" is not served by ${base}; it serves: ${models.length ? models.join(", ") : "(nothing)"}. ` +
                `Pass --model with the stack's servedModelName.`,
        );
    }

    // 2. the recipe's chat completion
    const chatUrl = `${base}/v1/chat/completions`;
    const c = await request("POST", chatUrl, opts, {
        model: opts.model,
        messages: [{ role: "user", content: SMOKE_PROMPT }],
        max_tokens: 8,
        temperature: 0,
    });
    if (c.status === 404 && /does not exist|not found/i.test(c.text)) {
        throw new SmokeError("modelMissing", `POST ${chatUrl}: the server says model "${opts.model}" does not exist: ${snippet(c.text)}`);
    }
    checkStatus(`POST ${chatUrl}`, c, opts);
    const body = parseJson(`POST ${chatUrl}`, c.text) as {
        choices?: Array<{ message?: { content?: unknown }; finish_reason?: string }>;
        usage?: { completion_tokens?: number };
    };
    const choice = body?.choices?.[0];
    const content = choice?.message?.content;
    const answer = typeof content === "string" ? content.trim() : "";
    if (answer === "") {
        throw new SmokeError(
            "emptyAnswer",
            `POST ${chatUrl}: the model returned no text (finish_reason ${JSON.stringify(choice?.finish_reason ?? null)}): ${snippet(c.text)}`,
        );
    }
    return {
        baseUrl: base,
        models,
        model: opts.model,
        answer,
        answerIsOk: answer.replace(/[^a-z]/gi, "").toLowerCase() === "ok",
        modelsLatencyMs: m.ms,
        chatLatencyMs: c.ms,
        finishReason: choice?.finish_reason,
        completionTokens: body.usage?.completion_tokens,
    };
}

// --- command line -------------------------------------------------------------------------

export interface CliOptions {
    url: string;
    model?: string;
    apiKey?: string;
    apiKeyFromStack: boolean;
    stack?: string;
    timeoutSeconds: number;
    help: boolean;
}

export const USAGE = `usage: npm run smoke -- [--url URL] [--model NAME] [--api-key KEY | --api-key-from-stack] [--stack NAME] [--timeout SECONDS]

  --url URL              vLLM server, e.g. a port-forward: kubectl -n NS port-forward svc/NAME 8000:8000
                         (default http://localhost:8000; a trailing /v1 is fine)
  --model NAME           served model name to expect and query (default: the stack's servedModelName
                         output with --api-key-from-stack, else "default")
  --api-key KEY          API key (prefer --api-key-from-stack or $VLLM_API_KEY: arguments show up in ps)
  --api-key-from-stack   read it with \`pulumi stack output apiKey --show-secrets\` (never printed)
  --stack NAME           stack for --api-key-from-stack (default: the selected stack)
  --timeout SECONDS      per request (default 60; a cold model can be slow to answer)

exit codes: 0 ok, 2 usage/stack, 3 unreachable, 4 unauthorized (401/403), 5 model missing,
            6 empty answer, 7 timeout, 8 other bad response`;

export function parseArgs(argv: string[]): CliOptions {
    let values;
    try {
        ({ values } = parseCli({
            args: argv,
            options: {
                url: { type: "string", default: "http://localhost:8000" },
                model: { type: "string" },
                "api-key": { type: "string" },
                "api-key-from-stack": { type: "boolean", default: false },
                stack: { type: "string" },
                timeout: { type: "string", default: "60" },
                help: { type: "boolean", short: "h", default: false },
            },
        }));
    } catch (e) {
        // node:util's messages already name the flag (unknown, missing or ambiguous value).
        throw new UsageError((e as Error).message);
    }
    const timeoutSeconds = Number(values.timeout);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError(`--timeout must be a number of seconds > 0, got ${JSON.stringify(values.timeout)}`);
    const o: CliOptions = {
        url: values.url,
        model: values.model,
        apiKey: values["api-key"],
        apiKeyFromStack: values["api-key-from-stack"],
        stack: values.stack,
        timeoutSeconds,
        help: values.help,
    };
    if (o.apiKey !== undefined && o.apiKeyFromStack) throw new UsageError("use --api-key or --api-key-from-stack, not both");
    if (o.stack !== undefined && !o.apiKeyFromStack) throw new UsageError("--stack only applies with --api-key-from-stack");
    normalizeBaseUrl(o.url); // validates
    return o;
}

/** Runs a command and resolves with its stdout; what `pulumi` is called through (tests replace it). */
export type CommandRunner = (cmd: string, args: string[]) => Promise<string>;

export const runCommand: CommandRunner = (cmd, args) =>
    new Promise((resolve, reject) => {
        execFile(cmd, args, { encoding: "utf8", timeout: 120_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
            if (err) {
                // stderr of `pulumi stack output` never contains the secret value.
                reject(new Error(`${cmd} ${args.filter((a) => a !== "--show-secrets").join(" ")} failed: ${String(stderr || err.message).trim()}`));
            } else {
                resolve(stdout);
            }
        });
    });

export interface Io {
    out: (line: string) => void;
    err: (line: string) => void;
}

const defaultIo: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

/** The CLI: returns the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: Io = defaultIo, run: CommandRunner = runCommand): Promise<number> {
    let cli: CliOptions;
    try {
        cli = parseArgs(argv);
    } catch (e) {
        io.err(`smoke: ${(e as Error).message}`);
        io.err(USAGE);
        return EXIT_CODES.usage;
    }
    if (cli.help) {
        io.out(USAGE);
        return EXIT_CODES.ok;
    }

    let apiKey = cli.apiKey;
    let model = cli.model;
    let keySource = apiKey ? "--api-key" : "none";
    if (cli.apiKeyFromStack) {
        const stackArgs = cli.stack ? ["--stack", cli.stack] : [];
        try {
            apiKey = (await run("pulumi", ["stack", "output", "apiKey", "--show-secrets", ...stackArgs])).trim();
        } catch (e) {
            io.err(`smoke: could not read the API key from the stack: ${(e as Error).message}`);
            return EXIT_CODES.usage;
        }
        if (!apiKey) {
            io.err(`smoke: the stack${cli.stack ? ` ${cli.stack}` : ""} has no apiKey output (apiKeyEnabled=false?); run without --api-key-from-stack`);
            return EXIT_CODES.usage;
        }
        keySource = `stack${cli.stack ? ` ${cli.stack}` : ""} output apiKey`;
        if (model === undefined) {
            try {
                model = (await run("pulumi", ["stack", "output", "servedModelName", ...stackArgs])).trim() || undefined;
            } catch {
                model = undefined;
            }
        }
    } else if (!apiKey && env.VLLM_API_KEY) {
        apiKey = env.VLLM_API_KEY;
        keySource = "$VLLM_API_KEY";
    }
    model = model ?? "default";

    io.out(`smoke: ${cli.url}, model "${model}", API key: ${apiKey ? `yes (from ${keySource})` : "none"}`);
    try {
        const r = await runSmoke({ url: cli.url, model, apiKey, timeoutMs: cli.timeoutSeconds * 1000 });
        io.out(`smoke: GET /v1/models -> ${r.models.join(", ")} (${r.modelsLatencyMs} ms)`);
        io.out(`smoke: POST /v1/chat/completions -> ${JSON.stringify(r.answer)} (${r.chatLatencyMs} ms${r.completionTokens !== undefined ? `, ${r.completionTokens} tokens` : ""})`);
        if (!r.answerIsOk) io.out(`smoke: note: the model answered something other than "ok"; the endpoint works, check the model if that is unexpected`);
        io.out("smoke: OK");
        return EXIT_CODES.ok;
    } catch (e) {
        if (e instanceof SmokeError) {
            io.err(`smoke: FAILED (${e.kind}): ${e.message}`);
            return e.exitCode;
        }
        io.err(`smoke: FAILED: ${(e as Error).stack ?? String(e)}`);
        return EXIT_CODES.badResponse;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
