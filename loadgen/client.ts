/**
 * One OpenAI-shaped streaming chat completion, timed on the client: TTFT is the time from
 * sending the request to the first chunk that carries generated text (vLLM's role-only first
 * chunk does not count), inter-token latencies are the gaps between text chunks.
 */
import { performance } from "node:perf_hooks";

export interface RequestSpec {
    baseUrl: string;
    apiKey: string | undefined;
    model: string;
    prompt: string;
    maxTokens: number;
    timeoutMs: number;
}

export interface RequestOutcome {
    endpoint: string;
    /** ms since the run started (`origin`). */
    startedAt: number;
    finishedAt: number;
    ok: boolean;
    /** HTTP status or the network error's code. */
    status: string;
    ttftMs: number | undefined;
    /** Absolute time (ms since origin) the first token arrived. */
    firstTokenAt: number | undefined;
    itlMs: number[];
    tokens: number;
}

/** The text of one SSE `data:` payload of a chat chunk ("" for role-only or usage chunks). */
function chunkText(payload: string): string {
    const chunk = JSON.parse(payload) as { choices?: Array<{ delta?: { content?: string | null } }> };
    return chunk.choices?.[0]?.delta?.content ?? "";
}

/**
 * Sends the request and reads the stream to its end. Never throws: failures are outcomes.
 * `watch` receives the outcome object at once; it is filled in as chunks arrive.
 */
export async function streamChat(spec: RequestSpec, origin: number, watch?: (live: RequestOutcome) => void): Promise<RequestOutcome> {
    const start = performance.now();
    const out: RequestOutcome = {
        endpoint: spec.baseUrl, startedAt: start - origin, finishedAt: 0, ok: false, status: "", ttftMs: undefined, firstTokenAt: undefined, itlMs: [], tokens: 0,
    };
    watch?.(out);
    const abort = AbortSignal.timeout(Math.ceil(spec.timeoutMs));
    try {
        const res = await fetch(`${spec.baseUrl}/v1/chat/completions`, {
            method: "POST",
            signal: abort,
            headers: { "content-type": "application/json", ...(spec.apiKey ? { authorization: `Bearer ${spec.apiKey}` } : {}) },
            body: JSON.stringify({ model: spec.model, messages: [{ role: "user", content: spec.prompt }], max_tokens: spec.maxTokens, stream: true }),
        });
        out.status = String(res.status);
        if (!res.ok || !res.body) {
            await res.text().catch(() => "");
            return finish(out, origin);
        }
        const decoder = new TextDecoder();
        let buffer = "";
        let last: number | undefined;
        let done = false;
        for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
            buffer += decoder.decode(bytes, { stream: true });
            let end: number;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
                const event = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                const payload = event.startsWith("data: ") ? event.slice(6) : "";
                if (payload === "[DONE]") done = true;
                else if (payload !== "" && chunkText(payload) !== "") {
                    const now = performance.now();
                    if (last === undefined) {
                        out.ttftMs = now - start;
                        out.firstTokenAt = now - origin;
                    } else out.itlMs.push(now - last);
                    last = now;
                    out.tokens++;
                }
            }
        }
        out.ok = done;
        if (!done) out.status = "stream ended without [DONE]";
    } catch (e) {
        const err = e as { name?: string; cause?: { code?: string }; message?: string };
        out.status = err.name === "TimeoutError" ? "timeout" : (err.cause?.code ?? err.message ?? "error");
    }
    return finish(out, origin);
}

function finish(out: RequestOutcome, origin: number): RequestOutcome {
    out.finishedAt = performance.now() - origin;
    return out;
}
