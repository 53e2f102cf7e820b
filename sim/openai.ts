/**
 * OpenAI request checks and response shapes as vLLM 0.11 produces them
 * (vllm/entrypoints/openai/protocol.py models; serving_chat.py / serving_completion.py build them;
 * streaming chunks are `model_dump_json(exclude_unset=True)`, so unset fields are absent).
 *
 * Prompt length: the simulator has no tokenizer. It counts ceil(characters / 4) per text, plus 4
 * tokens per chat message and 3 for the assistant header (roughly what a chat template adds);
 * a completions prompt given as token ids counts one per id.
 */
import { randomUUID } from "node:crypto";
import { FinishReason } from "./metrics";

export type Endpoint = "chat" | "completion";

export interface ParsedRequest {
    endpoint: Endpoint;
    model: string | undefined;
    promptTokens: number;
    /** max_tokens / max_completion_tokens as sent (undefined = not sent). */
    maxTokensParam: number | undefined;
    stream: boolean;
    includeUsage: boolean;
    continuousUsage: boolean;
    ignoreEos: boolean;
}

/** A 4xx the way vLLM reports it: `{"error": {message, type, param, code}}`. */
export class RequestError extends Error {
    constructor(
        readonly status: number,
        message: string,
        readonly type = "BadRequestError",
    ) {
        super(message);
    }
}

export function errorBody(status: number, message: string, type: string): object {
    return { error: { message, type, param: null, code: status } };
}

const textTokens = (text: string) => Math.ceil(text.length / 4);

function contentText(content: unknown): string {
    if (typeof content === "string") return content;
    if (Array.isArray(content)) {
        return content.map((part) => (part && typeof part === "object" && typeof (part as { text?: unknown }).text === "string" ? (part as { text: string }).text : "")).join("");
    }
    return "";
}

function chatPromptTokens(messages: unknown): number {
    if (!Array.isArray(messages) || messages.length === 0) throw new RequestError(400, "messages: Field required (a non-empty list of messages)");
    return messages.reduce<number>((n, m) => {
        if (!m || typeof m !== "object" || typeof (m as { role?: unknown }).role !== "string") throw new RequestError(400, "messages: every message needs a string 'role'");
        return n + 4 + textTokens(contentText((m as { content?: unknown }).content));
    }, 3);
}

function completionPromptTokens(prompt: unknown): number {
    if (typeof prompt === "string") return Math.max(1, textTokens(prompt));
    if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((t) => Number.isInteger(t))) return prompt.length;
    if (Array.isArray(prompt)) throw new RequestError(400, "prompt: the simulator accepts one prompt (a string or a list of token ids), not a batch");
    throw new RequestError(400, "prompt: Field required");
}

function optionalInt(body: Record<string, unknown>, key: string): number | undefined {
    const v = body[key];
    if (v === undefined || v === null) return undefined;
    if (!Number.isInteger(v)) throw new RequestError(400, `${key}: Input should be a valid integer`);
    return v as number;
}

/** Validates a request body; throws RequestError like vLLM's pydantic models and checks do. */
export function parseRequest(endpoint: Endpoint, raw: unknown): ParsedRequest {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new RequestError(400, "Input should be a valid dictionary or object to extract fields from");
    const body = raw as Record<string, unknown>;
    if (body.model !== undefined && body.model !== null && typeof body.model !== "string") throw new RequestError(400, "model: Input should be a valid string");
    const promptTokens = endpoint === "chat" ? chatPromptTokens(body.messages) : completionPromptTokens(body.prompt);
    const maxTokensParam = (endpoint === "chat" ? optionalInt(body, "max_completion_tokens") : undefined) ?? optionalInt(body, "max_tokens");
    if (maxTokensParam !== undefined && maxTokensParam < 1) throw new RequestError(400, `max_tokens must be at least 1, got ${maxTokensParam}.`);
    const n = optionalInt(body, "n") ?? 1;
    if (n !== 1) throw new RequestError(400, "n: the simulator generates one choice per request (n=1)");
    const streamOptions = (body.stream_options ?? {}) as Record<string, unknown>;
    return {
        endpoint,
        model: body.model as string | undefined,
        promptTokens,
        maxTokensParam,
        stream: body.stream === true,
        includeUsage: streamOptions.include_usage === true,
        continuousUsage: streamOptions.continuous_usage_stats === true,
        ignoreEos: body.ignore_eos === true,
    };
}

/**
 * max_tokens after vLLM's context check (serving_engine `_validate_input`): unset means
 * "up to the context length"; prompt + max_tokens beyond max_model_len is a 400.
 */
export function effectiveMaxTokens(r: ParsedRequest, maxModelLen: number): number {
    if (r.promptTokens >= maxModelLen) {
        throw new RequestError(
            400,
            `This model's maximum context length is ${maxModelLen} tokens. However, your request has ${r.promptTokens} input tokens. Please reduce the length of the input messages.`,
        );
    }
    if (r.maxTokensParam === undefined) return maxModelLen - r.promptTokens;
    if (r.promptTokens + r.maxTokensParam > maxModelLen) {
        throw new RequestError(
            400,
            `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${r.promptTokens + r.maxTokensParam} tokens ` +
                `(${r.promptTokens} in the messages, ${r.maxTokensParam} in the completion). Please reduce the length of the messages or completion.`,
        );
    }
    return r.maxTokensParam;
}

const WORDS = ["This", " is", " a", " simulated", " answer", " from", " vllm-sim", ",", " not", " a", " model", "."];

/** The text of generated token `i` (one word per token). */
export function tokenText(i: number): string {
    return WORDS[i % WORDS.length];
}

export function requestId(endpoint: Endpoint, header: string | undefined): string {
    return `${endpoint === "chat" ? "chatcmpl" : "cmpl"}-${header || randomUUID().replace(/-/g, "")}`;
}

export interface Usage {
    prompt_tokens: number;
    total_tokens: number;
    completion_tokens: number;
}

export function usage(prompt: number, completion: number): Usage {
    return { prompt_tokens: prompt, total_tokens: prompt + completion, completion_tokens: completion };
}

interface Head {
    id: string;
    created: number;
    model: string;
}

/** Non-streaming ChatCompletionResponse / CompletionResponse. */
export function fullResponse(endpoint: Endpoint, h: Head, text: string, reason: FinishReason, u: Usage): object {
    const common = { service_tier: null, system_fingerprint: null, usage: { ...u, prompt_tokens_details: null } };
    if (endpoint === "chat") {
        const message = { role: "assistant", content: text, refusal: null, annotations: null, audio: null, function_call: null, tool_calls: [], reasoning_content: null };
        return {
            id: h.id, object: "chat.completion", created: h.created, model: h.model,
            choices: [{ index: 0, message, logprobs: null, finish_reason: reason, stop_reason: null }],
            ...common, prompt_logprobs: null, prompt_token_ids: null, kv_transfer_params: null,
        };
    }
    return {
        id: h.id, object: "text_completion", created: h.created, model: h.model,
        choices: [{ index: 0, text, logprobs: null, finish_reason: reason, stop_reason: null, prompt_logprobs: null }],
        ...common, kv_transfer_params: null,
    };
}

/** One streaming chunk; `delta` is the token text (chat: plus the role on the first chunk). */
export function chunk(endpoint: Endpoint, h: Head, delta: { role?: string; content: string }, reason: FinishReason | null, u?: Usage): object {
    const end = reason === null ? { finish_reason: null } : { finish_reason: reason, stop_reason: null };
    const choice = endpoint === "chat" ? { index: 0, delta, logprobs: null, ...end } : { index: 0, text: delta.content, logprobs: null, ...end, ...(reason === null ? { stop_reason: null } : {}) };
    const object = endpoint === "chat" ? "chat.completion.chunk" : "text_completion";
    return { id: h.id, object, created: h.created, model: h.model, choices: [choice], ...(u ? { usage: u } : {}) };
}

/** The final usage-only chunk of `stream_options.include_usage`. */
export function usageChunk(endpoint: Endpoint, h: Head, u: Usage): object {
    const object = endpoint === "chat" ? "chat.completion.chunk" : "text_completion";
    return { id: h.id, object, created: h.created, model: h.model, choices: [], usage: u };
}
