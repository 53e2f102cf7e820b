/**
 * Command lines of containers, tokenised the way they are executed, and the vLLM
 * parallelism flags found in them.
 *
 * A container's argv is `command ++ args`. Kubernetes expands `$(VAR)` in both from the
 * container's env; a `sh -c "..."` script is split again by the shell (which also expands
 * `$VAR`/`${VAR}`). Both expansions are done here with literal env values, so that
 * `--tensor-parallel-size=$(TP)` is read as the number the process will really see.
 */

/** Looks up an env var's literal value (undefined when unset or not a literal). */
export type EnvLookup = (name: string) => string | undefined;

const noEnv: EnvLookup = () => undefined;

const SHELLS = new Set(["sh", "bash", "dash", "ash", "zsh", "ksh"]);
/** Tokens that end one shell command; flags never cross them. */
export const SHELL_OPERATORS = new Set([";", "&&", "||", "|", "&", "(", ")", ";;", "|&"]);
const OPERATOR_CHARS = ";&|()";

/** Basename of an executable path: `/usr/bin/python3` -> `python3`. */
export function basename(token: string): string {
    return token.slice(token.lastIndexOf("/") + 1);
}

/** Kubernetes `$(VAR)` expansion (`$$` escapes a `$`); unknown variables are left as written. */
export function expandKubeVars(s: string, env: EnvLookup = noEnv): string {
    return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) => {
        if (m === "$$") {
            return "$";
        }
        const v = env(name!);
        return v === undefined ? m : v;
    });
}

/** Index of the `)` that closes the `(` at `open` (or the end of the string). */
function closingParen(s: string, open: number): number {
    let depth = 0;
    for (let i = open; i < s.length; i++) {
        if (s[i] === "(") depth++;
        if (s[i] === ")" && --depth === 0) return i;
    }
    return s.length - 1;
}

/**
 * Expands a `$` at position i of a script: `$VAR`, `${VAR}`, `${VAR:-default}`.
 * Command substitutions `$(...)` and anything unresolvable are kept literally.
 * Returns the text to append and how many characters were consumed.
 */
function shellDollar(s: string, i: number, env: EnvLookup): [string, number] {
    if (s[i + 1] === "(") {
        const end = closingParen(s, i + 1);
        return [s.slice(i, end + 1), end + 1 - i];
    }
    if (s[i + 1] === "{") {
        const end = s.indexOf("}", i);
        if (end < 0) return [s.slice(i), s.length - i];
        const inner = s.slice(i + 2, end);
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::?-(.*))?$/.exec(inner);
        const value = m ? env(m[1]) ?? m[2] : undefined;
        return [value ?? s.slice(i, end + 1), end + 1 - i];
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
    if (m) {
        const value = env(m[0]);
        return [value ?? "$" + m[0], m[0].length + 1];
    }
    return ["$", 1];
}

/**
 * Splits a shell script into words like a POSIX shell: quotes, backslashes, line
 * continuations, comments, `$VAR` expansion. Operators (`;`, `&&`, `|`, ...) become tokens
 * of their own so callers can tell where one command ends.
 *
 * Kept instead of `shell-quote`'s parse, which gets what matters here wrong for container
 * scripts: a newline does not end a command (flags of the next line would count as vLLM's),
 * a line continuation leaves an empty word, `${TP:-2}` expands to "" and `$(...)` is split
 * into operators. tests/policy/shell-words.property.test.ts checks this one against `sh`.
 */
export function shellWords(script: string, env: EnvLookup = noEnv): string[] {
    const words: string[] = [];
    let cur = "";
    let inWord = false;
    const flush = () => {
        if (inWord) words.push(cur);
        cur = "";
        inWord = false;
    };
    let i = 0;
    while (i < script.length) {
        const c = script[i];
        if (c === "\\") {
            if (script[i + 1] !== "\n" && i + 1 < script.length) {
                cur += script[i + 1];
                inWord = true;
            }
            i += 2;
        } else if (c === "'") {
            const end = script.indexOf("'", i + 1);
            const stop = end < 0 ? script.length : end;
            cur += script.slice(i + 1, stop);
            inWord = true;
            i = stop + 1;
        } else if (c === '"') {
            i++;
            while (i < script.length && script[i] !== '"') {
                if (script[i] === "\\" && '$`"\\\n'.includes(script[i + 1] ?? "")) {
                    if (script[i + 1] !== "\n") cur += script[i + 1];
                    i += 2;
                } else if (script[i] === "$") {
                    const [text, used] = shellDollar(script, i, env);
                    cur += text;
                    i += used;
                } else {
                    cur += script[i++];
                }
            }
            inWord = true;
            i++;
        } else if (c === "$") {
            const [text, used] = shellDollar(script, i, env);
            cur += text;
            inWord = true;
            i += used;
        } else if (c === "`") {
            const end = script.indexOf("`", i + 1);
            const stop = end < 0 ? script.length : end;
            cur += script.slice(i, stop + 1);
            inWord = true;
            i = stop + 1;
        } else if (c === "#" && !inWord) {
            const nl = script.indexOf("\n", i);
            i = nl < 0 ? script.length : nl;
        } else if (c === "\n") {
            flush();
            words.push(";");
            i++;
        } else if (/\s/.test(c)) {
            flush();
            i++;
        } else if (c === "&" && (/[<>]$/.test(cur) || script[i + 1] === ">")) {
            cur += c; // a redirection (2>&1, &>log), not a background operator
            inWord = true;
            i++;
        } else if (OPERATOR_CHARS.includes(c)) {
            flush();
            let op = c;
            while (i + op.length < script.length && OPERATOR_CHARS.includes(script[i + op.length]) && SHELL_OPERATORS.has(op + script[i + op.length])) {
                op += script[i + op.length];
            }
            words.push(op);
            i += op.length;
        } else {
            cur += c;
            inWord = true;
            i++;
        }
    }
    flush();
    return words;
}

/**
 * Replaces every `sh -c SCRIPT` (any shell, option clusters like `-ec`/`-lc`) with the words
 * of SCRIPT, recursively. The positional parameters after SCRIPT ($0, $1, ...) are dropped.
 */
function expandShells(tokens: string[], env: EnvLookup, depth = 0): string[] {
    const out: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
        if (depth < 5 && SHELLS.has(basename(tokens[i]))) {
            let j = i + 1;
            let hasC = false;
            while (j < tokens.length && /^[-+][A-Za-z]+$/.test(tokens[j])) {
                hasC = hasC || (tokens[j].startsWith("-") && tokens[j].includes("c"));
                j += /^[-+]o$/.test(tokens[j]) ? 2 : 1; // `-o pipefail` takes a name
            }
            if (hasC && j < tokens.length) {
                out.push(...expandShells(shellWords(tokens[j], env), env, depth + 1));
                i = j;
                while (i + 1 < tokens.length && !SHELL_OPERATORS.has(tokens[i + 1])) i++;
                continue;
            }
        }
        out.push(tokens[i]);
    }
    return out;
}

/**
 * The argv a container runs, as far as the manifest says: `command ++ args` with `$(VAR)`
 * expanded and `sh -c` scripts split into words. Non-string items are stringified.
 */
export function commandTokens(command: unknown, args: unknown, env: EnvLookup = noEnv): string[] {
    const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(x => expandKubeVars(String(x), env)) : []);
    return expandShells([...list(command), ...list(args)], env);
}

/** A flag as found on a command line. */
export interface FlagValue {
    /** The flag as written, e.g. `-tp`, `--tensor_parallel_size` or the abbreviation `-t`. */
    flag: string;
    /** The option argparse reads it as when written as an abbreviation (`-t` -> `-tp`). */
    expands?: string;
    /** The value as written (after expansion), e.g. `"2"`. */
    raw: string;
    /** The value when it is a positive integer; undefined otherwise. */
    value?: number;
}

/** Canonical form of a flag token (no `=value`); vLLM accepts `_` for `-` in `--long` flags. */
function flagName(token: string): string {
    const eq = token.indexOf("=");
    const name = eq < 0 ? token : token.slice(0, eq);
    return name.startsWith("--") && name.includes("_") ? name.replace(/_/g, "-") : name;
}

/**
 * vLLM 0.11's option strings that start like a parallelism flag (vllm/engine/arg_utils.py,
 * EngineArgs.add_cli_args, parallel group). Enough to tell which abbreviation of a parallelism
 * flag is unique and which is ambiguous; not every vLLM option.
 */
export const VLLM_PARALLEL_OPTIONS: readonly string[] = [
    "--tensor-parallel-size", "-tp", "--pipeline-parallel-size", "-pp",
    "--data-parallel-size", "-dp", "--data-parallel-size-local", "-dpl", "--data-parallel-rank", "-dpn",
    "--data-parallel-start-rank", "-dpr", "--data-parallel-address", "-dpa", "--data-parallel-rpc-port", "-dpp",
    "--data-parallel-backend", "-dpb", "--data-parallel-hybrid-lb", "-dph", "--data-parallel-external-lb", "-dpe",
    "--decode-context-parallel-size", "-dcp", "--nnodes",
];

/** How argparse reads an option name: as one option, or not at all because several match. */
export type OptionMatch = { option: string } | { ambiguous: string[] };

/**
 * The option argparse resolves `name` (no `=value`, `_` already turned into `-`) to, among
 * `options`. argparse (`_parse_optional`, allow_abbrev on, which vLLM's FlexibleArgumentParser
 * keeps) takes an exact match, else the one option that starts with the name, and exits with
 * "ambiguous option" when several do; `-t` is `-tp` the way `--tensor` is `--tensor-parallel-size`.
 * A `--x` of one letter is ambiguous in vLLM whatever this list says (`--t`: --task, --tokenizer,
 * ...). `-t=2` is `-tp 2` too on Python >= 3.12 (older argparse exits on it as unrecognized).
 * Undefined when nothing in `options` matches.
 */
export function resolveOption(name: string, options: readonly string[] = VLLM_PARALLEL_OPTIONS): OptionMatch | undefined {
    if (options.includes(name)) return { option: name };
    if (name.length < 2 || !name.startsWith("-") || name === "--") return undefined;
    const candidates = options.filter(o => o.startsWith(name));
    if (candidates.length === 0) return undefined;
    if (name.startsWith("--") && name.length <= 3) return { ambiguous: [...candidates, `every other vLLM option starting with ${name}`] };
    if (candidates.length > 1) return { ambiguous: candidates };
    return { option: candidates[0] };
}

/** The option among `names` a token sets, exactly or as an abbreviation; undefined when none. */
function matchedName(token: string, names: readonly string[]): string | undefined {
    if (!token.startsWith("-")) return undefined;
    const name = flagName(token);
    if (names.includes(name)) return name;
    const match = resolveOption(name);
    return match && "option" in match && names.includes(match.option) ? match.option : undefined;
}

/**
 * Finds `--name=V`, `--name V` (two tokens), an alias like `-tp V` or an abbreviation argparse
 * expands (`--tensor V`, `-t V`). The last occurrence wins, as with argparse. Undefined when the
 * flag is absent.
 */
export function findFlag(tokens: readonly string[], names: readonly string[]): FlagValue | undefined {
    let found: FlagValue | undefined;
    for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i];
        const option = matchedName(t, names);
        if (option === undefined) {
            continue;
        }
        const eq = t.indexOf("=");
        const raw = eq >= 0 ? t.slice(eq + 1) : tokens[i + 1] ?? "";
        if (eq < 0) i++;
        const value = /^\s*\d+\s*$/.test(raw) && Number(raw) > 0 ? Number(raw) : undefined;
        const flag = t.split("=", 1)[0];
        found = names.includes(flagName(t)) ? { flag, raw, value } : { flag, expands: option, raw, value };
    }
    return found;
}

/**
 * Abbreviations argparse refuses as ambiguous among the parallelism options (`-d`: -dp, -dpl,
 * ...; `--data-parallel-s`): vLLM prints "ambiguous option" and exits at start-up.
 */
export function ambiguousParallelFlags(tokens: readonly string[]): Array<{ flag: string; candidates: string[] }> {
    const out: Array<{ flag: string; candidates: string[] }> = [];
    for (const t of tokens) {
        if (!t.startsWith("-")) continue;
        const match = resolveOption(flagName(t));
        if (match && "ambiguous" in match) out.push({ flag: t.split("=", 1)[0], candidates: match.ambiguous });
    }
    return out;
}

/** vLLM's parallelism flags and their aliases (vllm/engine/arg_utils.py). */
export const PARALLEL_FLAGS = {
    tensor: ["--tensor-parallel-size", "-tp"],
    pipeline: ["--pipeline-parallel-size", "-pp"],
    data: ["--data-parallel-size", "-dp"],
    dataLocal: ["--data-parallel-size-local", "-dpl"],
} as const;

/** A parallelism factor: a number, or the template variable it is still written as (`$TP`, `{{.Values.tp}}`). */
export type Factor = number | { raw: string };

/** How many GPUs one vLLM server process needs, from its arguments. */
export interface Parallelism {
    tensor: number;
    pipeline: number;
    /** Data-parallel ranks in total (`--data-parallel-size`). */
    data: number;
    /** Data-parallel ranks on this pod: `--data-parallel-size-local`, else `--data-parallel-size`. */
    dataLocal: number;
    /** tensor x pipeline x dataLocal: the GPUs the pod needs. */
    gpus: number;
    /** tensor x pipeline x data: the GPUs of the whole deployment (several pods when multi-node). */
    world: number;
    /** The factors of `gpus` as written, unresolved ones included (for symbolic comparison). */
    localFactors: Factor[];
    /** The factors of `world` as written. */
    worldFactors: Factor[];
    /** `--headless` (a multi-node data-parallel worker without an API server). */
    headless: boolean;
    /** `--data-parallel-size-local` was given (each pod runs its own share of the ranks). */
    localSet: boolean;
    /** `--nnodes N`: one process per node splits the world over N nodes. */
    nnodes?: number;
    /** The flags that were set, as written. */
    flags: FlagValue[];
    /** Flags whose value is not a positive integer (e.g. an unresolved `$(TP)`). */
    invalid: FlagValue[];
    /** Abbreviations argparse refuses as ambiguous: the server never starts. */
    ambiguous: Array<{ flag: string; candidates: string[] }>;
}

/** Reads the parallelism flags from a vLLM server's arguments; absent flags mean 1. */
export function vllmParallelism(tokens: readonly string[]): Parallelism {
    const flags: FlagValue[] = [];
    const invalid: FlagValue[] = [];
    const factor = (names: readonly string[]): Factor => {
        const f = findFlag(tokens, names);
        if (!f) return 1;
        flags.push(f);
        if (f.value === undefined) invalid.push(f);
        return f.value ?? { raw: f.raw };
    };
    const num = (f: Factor): number => (typeof f === "number" ? f : 1);
    const tensor = factor(PARALLEL_FLAGS.tensor);
    const pipeline = factor(PARALLEL_FLAGS.pipeline);
    const data = factor(PARALLEL_FLAGS.data);
    const localSet = findFlag(tokens, PARALLEL_FLAGS.dataLocal) !== undefined;
    const local = localSet ? factor(PARALLEL_FLAGS.dataLocal) : data;
    const nnodes = findFlag(tokens, ["--nnodes"])?.value;
    return {
        tensor: num(tensor),
        pipeline: num(pipeline),
        data: num(data),
        dataLocal: num(local),
        gpus: num(tensor) * num(pipeline) * num(local),
        world: num(tensor) * num(pipeline) * num(data),
        localFactors: [tensor, pipeline, local],
        worldFactors: [tensor, pipeline, data],
        headless: tokens.includes("--headless"),
        localSet,
        nnodes,
        flags,
        invalid,
        ambiguous: ambiguousParallelFlags(tokens),
    };
}

/**
 * The tensor-parallel size that a list of vLLM arguments sets, or undefined when it sets
 * none. NaN when the flag is present but its value is not a positive integer. For the
 * component: extra args must not set it, since the GPU count is derived from it.
 */
export function vllmTensorParallelSize(args: readonly string[]): number | undefined {
    const f = findFlag(commandTokens(args, []), PARALLEL_FLAGS.tensor);
    return f ? f.value ?? NaN : undefined;
}

/** Every parallelism flag (tensor, pipeline, data) that a list of arguments sets, as written. */
export function parallelismFlagsIn(args: readonly string[]): string[] {
    return vllmParallelism(commandTokens(args, [])).flags.map(f => f.flag);
}

/** The parallelism flags a list of arguments sets (with what an abbreviation expands to), and the ambiguous ones. */
export function parallelismFlagDetails(args: readonly string[]): Pick<Parallelism, "flags" | "ambiguous"> {
    const p = vllmParallelism(commandTokens(args, []));
    return { flags: p.flags, ambiguous: p.ambiguous };
}
