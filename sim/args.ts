/**
 * vLLM 0.11's command line, as the simulator reads it: the flags of `vllm serve` (see
 * vllmFlags.ts) plus the simulator's own `--sim-*` knobs (also `VLLM_SIM_*` env vars; flags win).
 *
 * Spelling rules copied in behaviour from vLLM's `FlexibleArgumentParser.parse_args`
 * (vllm/utils, 0.11): `--max_num_seqs` == `--max-num-seqs` (underscores become dashes in the
 * name up to the first `.`), `-O3` == `-O 3`, `--config file.yaml` pulls flags from YAML (CLI
 * wins). Python's argparse adds: unique prefixes are accepted (`allow_abbrev`), errors print the
 * usage and `<prog>: error: ...` on stderr with exit code 2.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { FlagKind, VLLM_FLAGS, VLLM_SHORT } from "./vllmFlags";

/** The program name argparse prints: the vllm-openai image's entrypoint is `vllm serve`. */
export const PROG = "vllm serve";
/** `vllm serve`'s usage line (vllm/entrypoints/cli/serve.py sets it explicitly). */
export const USAGE = "usage: vllm serve [model_tag] [options]";

/** Simulation knobs: how the simulated engine behaves. Not vLLM flags. */
export interface SimKnobs {
    /** Seconds of simulated weight loading; the port refuses connections meanwhile. */
    loadSeconds: number;
    /** Prefill cost per prompt token (ms): drives TTFT. */
    prefillMsPerToken: number;
    /** Cost of one decode step (ms): the inter-token latency of every running request. */
    decodeMsPerToken: number;
    /** Tokens a request generates before its natural stop (when max_tokens allows). */
    outputTokens: number;
    /** KV cache capacity in tokens; admission waits when the prompts would not fit. */
    kvCacheTokens: number;
    /** After this many seconds the engine "dies": /health 503, inference 500. */
    healthFailAfterSeconds: number | undefined;
    /** After this many seconds the process exits with code 1. */
    crashAfterSeconds: number | undefined;
}

export interface SimConfig {
    model: string;
    /** Names clients may send; the first is the one responses carry. */
    servedModelNames: string[];
    /** Bind address; undefined = all interfaces, as vLLM/uvicorn with `--host` unset. */
    host: string | undefined;
    port: number;
    /** Accepted bearer tokens; empty = no authentication. */
    apiKeys: string[];
    maxNumSeqs: number;
    maxNumBatchedTokens: number;
    maxModelLen: number;
    tensorParallelSize: number;
    disableLogStats: boolean;
    rootPath: string;
    serverLoadTracking: boolean;
    knobs: SimKnobs;
    /**
     * The container image the simulator stands in for (`--sim-image`, env `VLLM_SIM_IMAGE`; the pod
     * runner passes the container's `image`): its tag picks the metric catalogue (sim/catalogue.ts).
     */
    image: string | undefined;
}

export type ParsedArgs = { kind: "ok"; config: SimConfig } | { kind: "help"; text: string } | { kind: "error"; message: string };

/** Knob flag -> [env var, default]. Defaults are a small GPU serving a small model. */
const KNOBS: Record<string, [keyof SimKnobs, string, number | undefined]> = {
    "sim-load-seconds": ["loadSeconds", "VLLM_SIM_LOAD_SECONDS", 0],
    "sim-prefill-ms-per-token": ["prefillMsPerToken", "VLLM_SIM_PREFILL_MS_PER_TOKEN", 0.2],
    "sim-decode-ms-per-token": ["decodeMsPerToken", "VLLM_SIM_DECODE_MS_PER_TOKEN", 20],
    "sim-output-tokens": ["outputTokens", "VLLM_SIM_OUTPUT_TOKENS", 128],
    "sim-kv-cache-tokens": ["kvCacheTokens", "VLLM_SIM_KV_CACHE_TOKENS", 262144],
    "sim-health-fail-after-seconds": ["healthFailAfterSeconds", "VLLM_SIM_HEALTH_FAIL_AFTER_SECONDS", undefined],
    "sim-crash-after-seconds": ["crashAfterSeconds", "VLLM_SIM_CRASH_AFTER_SECONDS", undefined],
};

/** String-valued simulator flags -> env var: which vLLM the simulator is (not how it behaves). */
const IDENTITY_FLAGS: Record<string, string> = { "sim-image": "VLLM_SIM_IMAGE" };

/** ModelConfig.model's default in 0.11. */
const DEFAULT_MODEL = "Qwen/Qwen3-0.6B";
/**
 * EngineArgs._set_default_args (arg_utils.py) for the OpenAI server on a GPU under 70 GiB:
 * max_num_batched_tokens 2048, max_num_seqs 256 (elasticity notes §7). The simulator has no
 * model config, so max_model_len defaults to 8192 instead of the model's own context length.
 */
const DEFAULTS = { maxNumSeqs: 256, maxNumBatchedTokens: 2048, maxModelLen: 8192 };

class ArgError extends Error {}

function kindOf(name: string): FlagKind | "sim" | undefined {
    if (name in KNOBS || name in IDENTITY_FLAGS) return "sim";
    if (name.startsWith("no-") && VLLM_FLAGS.get(name.slice(3)) === "bool") return "true";
    return VLLM_FLAGS.get(name);
}

/** argparse's allow_abbrev: an unknown name that prefixes exactly one flag means that flag. */
function resolveName(name: string): string {
    if (kindOf(name) !== undefined) return name;
    const all = [...VLLM_FLAGS.keys(), ...Object.keys(KNOBS), ...Object.keys(IDENTITY_FLAGS), ...[...VLLM_FLAGS].filter(([, k]) => k === "bool").map(([f]) => `no-${f}`)];
    const matches = all.filter((f) => f.startsWith(name));
    if (matches.length > 1) throw new ArgError(`ambiguous option: --${name} could match ${matches.map((m) => `--${m}`).join(", ")}`);
    return matches.length === 1 ? matches[0] : name;
}

/** `--config file.yaml` -> flags (vLLM's `_pull_args_from_config`): booleans as bare flags, lists as nargs. */
function configArgs(file: string): string[] {
    let doc: unknown;
    try {
        // Loaded only here: requiring `yaml` costs start-up time every pod would pay.
        const { parse } = require("yaml") as typeof import("yaml");
        doc = parse(readFileSync(file, "utf8"));
    } catch (e) {
        throw new ArgError(`argument --config: cannot read ${file}: ${(e as Error).message}`);
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new ArgError(`argument --config: ${file} is not a YAML mapping`);
    const out: string[] = [];
    for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
        if (value === true) out.push(`--${key}`);
        else if (Array.isArray(value)) out.push(`--${key}`, ...value.map(String));
        else if (value !== false && value !== null) out.push(`--${key}=${typeof value === "object" ? JSON.stringify(value) : String(value)}`);
    }
    return out;
}

/** FlexibleArgumentParser's rewriting plus argparse's short aliases and abbreviations. */
function normalise(argv: string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg.startsWith("-O") && arg !== "-O" && !arg.startsWith("-O=")) {
            out.push("--compilation-config", arg.slice(2));
            continue;
        }
        const short = /^(-[A-Za-z]+)(?:=(.*))?$/.exec(arg);
        if (short && VLLM_SHORT.has(short[1])) {
            const long = `--${VLLM_SHORT.get(short[1])}`;
            out.push(short[2] === undefined ? long : `${long}=${short[2]}`);
            continue;
        }
        if (!arg.startsWith("--") || arg === "--") {
            out.push(arg);
            continue;
        }
        const eq = arg.indexOf("=");
        const rawKey = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
        const dot = rawKey.indexOf(".");
        const name = (dot < 0 ? rawKey : rawKey.slice(0, dot)).replace(/_/g, "-");
        if (dot >= 0 && VLLM_FLAGS.get(name) === "json") {
            // `--compilation-config.level 3`: one key of a JSON config; the simulator ignores it.
            if (eq < 0) i++;
            continue;
        }
        const resolved = dot < 0 ? resolveName(name) : name + rawKey.slice(dot);
        out.push(`--${resolved}${eq < 0 ? "" : arg.slice(eq)}`);
    }
    return out;
}

type OptionSpec = { type: "string" | "boolean"; multiple?: boolean; short?: string };

function parseOptions(): Record<string, OptionSpec> {
    const options: Record<string, OptionSpec> = { help: { type: "boolean", short: "h" } };
    for (const [name, kind] of VLLM_FLAGS) {
        options[name] = kind === "bool" || kind === "true" ? { type: "boolean" } : { type: "string", multiple: true };
        if (kind === "bool") options[`no-${name}`] = { type: "boolean" };
    }
    for (const name of [...Object.keys(KNOBS), ...Object.keys(IDENTITY_FLAGS)]) options[name] = { type: "string", multiple: true };
    return options;
}

/** Values per flag (lists for value flags) after argparse's consumption rules. */
type Values = Map<string, string[] | boolean>;

function consume(argv: string[]): { values: Values; modelTag: string | undefined } {
    const { tokens } = parseArgs({ args: argv, options: parseOptions(), strict: false, allowPositionals: true, tokens: true });
    const values: Values = new Map();
    const extras: string[] = [];
    let modelTag: string | undefined;
    let greedy: string | undefined; // a nargs="+" flag still taking positionals
    for (const t of tokens) {
        if (t.kind === "option-terminator") continue;
        if (t.kind === "positional") {
            if (greedy !== undefined) (values.get(greedy) as string[]).push(t.value);
            else if (modelTag === undefined) modelTag = t.value;
            else extras.push(t.value);
            continue;
        }
        greedy = undefined;
        if (t.name === "help") throw new HelpRequest();
        const kind = kindOf(t.name);
        if (kind === undefined) {
            extras.push(t.rawName + (t.inlineValue ? `=${t.value}` : ""));
            continue;
        }
        if (kind === "bool" || kind === "true") {
            if (t.value !== undefined) throw new ArgError(`argument ${t.rawName}: ignored explicit argument '${t.value}'`);
            if (t.name.startsWith("no-") && VLLM_FLAGS.get(t.name.slice(3)) === "bool") values.set(t.name.slice(3), false);
            else values.set(t.name, true);
            continue;
        }
        const value = t.value;
        const missing = value === undefined || (!t.inlineValue && value.startsWith("-") && !/^-\d/.test(value));
        if (missing && kind !== "optional") throw new ArgError(`argument --${t.name}: expected ${kind === "values" ? "at least one argument" : "one argument"}`);
        if (missing) {
            values.set(t.name, ["True"]);
            continue;
        }
        const previous = values.get(t.name);
        values.set(t.name, kind === "append" && Array.isArray(previous) ? [...previous, value!] : [value!]);
        if (kind === "values" && !t.inlineValue) greedy = t.name;
    }
    if (extras.length > 0) throw new ArgError(`unrecognized arguments: ${extras.join(" ")}`);
    return { values, modelTag };
}

class HelpRequest extends Error {}

/** Python's int(): optional sign, digits, underscores between digits. */
function pyInt(s: string): number | undefined {
    const t = s.trim();
    return /^[+-]?\d+(_\d+)*$/.test(t) ? Number(t.replace(/_/g, "")) : undefined;
}

/** vLLM's human_readable_int: `8k` = 8000, `8K` = 8192, `25.6k` = 25600, or a plain int. */
function humanInt(s: string): number | undefined {
    const m = /^(\d+(?:\.\d+)?)([kKmMgG])$/.exec(s.trim());
    if (!m) return pyInt(s);
    const decimal: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9 };
    const binary: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 };
    if (m[2] in decimal) return Math.trunc(Number(m[1]) * decimal[m[2]]);
    return /^\d+$/.test(m[1]) ? Number(m[1]) * binary[m[2]] : undefined;
}

type Conv = "int" | "optional-int" | "optional-human-int" | "float";

/** The flags the simulator uses, converted and reported like argparse (type errors differ by wrapper). */
function convert(values: Values, name: string, conv: Conv): number | undefined {
    const v = values.get(name);
    if (!Array.isArray(v)) return undefined;
    const raw = v[v.length - 1];
    if (conv.startsWith("optional") && (raw === "" || raw === "None")) return undefined;
    const n = conv === "float" ? (/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(raw) ? Number(raw) : undefined) : conv === "optional-human-int" ? humanInt(raw) : pyInt(raw);
    if (n !== undefined) return n;
    if (conv === "int" || conv === "float") throw new ArgError(`argument --${name}: invalid ${conv} value: '${raw}'`);
    const target = conv === "optional-int" ? "<class 'int'>" : "<function human_readable_int>";
    throw new ArgError(`argument --${name}: Value ${raw} cannot be converted to ${target}.`);
}

function knob(values: Values, env: NodeJS.ProcessEnv, flag: string): number | undefined {
    const [, envName, fallback] = KNOBS[flag];
    const v = values.get(flag);
    const raw = Array.isArray(v) ? v[v.length - 1] : env[envName];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || raw.trim() === "") {
        const source = Array.isArray(v) ? `argument --${flag}` : `environment variable ${envName}`;
        throw new ArgError(`${source}: expected a number >= 0, got '${raw}'`);
    }
    return n;
}

function knobs(values: Values, env: NodeJS.ProcessEnv): SimKnobs {
    const out: Partial<Record<keyof SimKnobs, number | undefined>> = {};
    for (const [flag, [key]] of Object.entries(KNOBS)) out[key] = knob(values, env, flag);
    const k = out as SimKnobs;
    if (!Number.isInteger(k.outputTokens) || k.outputTokens < 1) throw new ArgError(`argument --sim-output-tokens: expected an integer >= 1, got '${k.outputTokens}'`);
    return k;
}

function list(values: Values, name: string): string[] | undefined {
    const v = values.get(name);
    return Array.isArray(v) ? v : undefined;
}

function build(values: Values, modelTag: string | undefined, env: NodeJS.ProcessEnv): SimConfig {
    const model = modelTag ?? list(values, "model")?.at(-1) ?? DEFAULT_MODEL;
    const port = convert(values, "port", "int") ?? 8000;
    if (port < 0 || port > 65535) throw new ArgError(`argument --port: port must be 0-65535, got ${port}`);
    const maxNumBatchedTokens = convert(values, "max-num-batched-tokens", "optional-human-int") ?? DEFAULTS.maxNumBatchedTokens;
    // vLLM: max_num_seqs = min(default, max_num_batched_tokens) when unset (arg_utils.py _set_default_args).
    const maxNumSeqs = convert(values, "max-num-seqs", "optional-int") ?? Math.min(DEFAULTS.maxNumSeqs, maxNumBatchedTokens);
    const maxModelLen = convert(values, "max-model-len", "optional-human-int") ?? DEFAULTS.maxModelLen;
    for (const [name, n] of [["max-num-seqs", maxNumSeqs], ["max-model-len", maxModelLen], ["max-num-batched-tokens", maxNumBatchedTokens]] as const) {
        if (n < 1) throw new ArgError(`argument --${name}: must be >= 1, got ${n}`);
    }
    convert(values, "gpu-memory-utilization", "float");
    convert(values, "pipeline-parallel-size", "int");
    // vLLM 0.11: `args.api_key or [envs.VLLM_API_KEY]`, empty strings dropped.
    const apiKeys = (list(values, "api-key") ?? [env.VLLM_API_KEY ?? ""]).filter((k) => k !== "");
    return {
        model,
        servedModelNames: list(values, "served-model-name") ?? [model],
        host: list(values, "host")?.at(-1),
        port,
        apiKeys,
        maxNumSeqs,
        maxNumBatchedTokens,
        maxModelLen,
        tensorParallelSize: convert(values, "tensor-parallel-size", "int") ?? 1,
        disableLogStats: values.get("disable-log-stats") === true,
        rootPath: list(values, "root-path")?.at(-1) ?? "",
        serverLoadTracking: values.get("enable-server-load-tracking") === true,
        knobs: knobs(values, env),
        image: list(values, "sim-image")?.at(-1) ?? (env[IDENTITY_FLAGS["sim-image"]] || undefined),
    };
}

/** argv = what follows `vllm serve` (or `python -m vllm.entrypoints.openai.api_server`). */
export function parseSimArgs(argv: string[], env: NodeJS.ProcessEnv): ParsedArgs {
    try {
        let args = normalise(argv);
        const at = args.findIndex((a) => a === "--config" || a.startsWith("--config="));
        if (at >= 0) {
            const file = args[at].startsWith("--config=") ? args[at].slice("--config=".length) : args[at + 1];
            if (file === undefined || file.startsWith("-")) throw new ArgError("argument --config: expected one argument");
            args = [...normalise(configArgs(file)), ...args];
        }
        const { values, modelTag } = consume(args);
        return { kind: "ok", config: build(values, modelTag, env) };
    } catch (e) {
        if (e instanceof HelpRequest) return { kind: "help", text: helpText() };
        if (e instanceof ArgError) return { kind: "error", message: `${USAGE}\n${PROG}: error: ${e.message}\n` };
        throw e;
    }
}

function helpText(): string {
    const knobLines = Object.entries(KNOBS).map(([flag, [, envName, def]]) => `  --${flag} N   (env ${envName}; default ${def ?? "off"})`);
    return [
        USAGE,
        "",
        "vLLM 0.11 OpenAI-server SIMULATOR (not vLLM): accepts vLLM's flags, serves /health, /v1/models,",
        "/v1/chat/completions, /v1/completions and /metrics with a simulated engine. Simulation knobs:",
        ...knobLines,
        `  --sim-image IMAGE   (env ${IDENTITY_FLAGS["sim-image"]}) the image stood in for; its tag picks the metric catalogue`,
        "",
    ].join("\n");
}
