/**
 * What `extraArgs` may not contain, read the way vLLM 0.11 reads its command line:
 * FlexibleArgumentParser turns `_` into `-` in a `--long_flag` name (up to the first `.`), and
 * argparse accepts any unambiguous prefix of a long flag (`--served` for `--served-model-name`).
 * Both `--flag=value` and `--flag value` reach the same flag, so every `--` token is checked.
 */
import { parallelismFlagDetails } from "@vllm-pulumi/kube-parser";
import { truncate } from "./checks";

/**
 * Flags the component sets from typed args; in extraArgs they would silently fight the typed
 * value (and `--api-key` would put the key in the pod spec in plain text).
 */
export const OWNED_FLAGS: Readonly<Record<string, string>> = {
    "--model": "model",
    "--revision": "modelRevision",
    "--served-model-name": "servedModelName",
    "--max-model-len": "maxModelLen",
    "--gpu-memory-utilization": "gpuMemoryUtilization",
    "--tensor-parallel-size": "tensorParallelSize (it decides how many GPUs a pod gets)",
    "--pipeline-parallel-size": "pipelineParallelSize (it decides how many GPUs a pod gets)",
    "--port": "the fixed port 8000",
    "--host": "the container's default host",
    "--api-key": "apiKeyEnabled/apiKey (the key would be visible in the pod spec)",
};

/** Flags that break what the component promises, with the reason. */
export const FORBIDDEN_FLAGS: Readonly<Record<string, string>> = {
    "--disable-log-stats": "removes every vllm:* metric, which the HPA scales on and the SLO rules read",
    "--data-parallel-size": "changes how many GPUs a pod needs; run more replicas instead",
    "--data-parallel-size-local": "changes how many GPUs a pod needs; run more replicas instead",
};

const LONG_FLAGS = [...Object.keys(OWNED_FLAGS), ...Object.keys(FORBIDDEN_FLAGS)];

/** A long flag's name as vLLM resolves it: `--api_key=x` -> `--api-key`. Undefined for other tokens. */
export function canonicalFlag(token: string): string | undefined {
    if (!token.startsWith("--") || token === "--") return undefined;
    const name = token.split("=", 1)[0];
    const dot = name.indexOf(".");
    return dot < 0 ? name.replace(/_/g, "-") : name.slice(0, dot).replace(/_/g, "-") + name.slice(dot);
}

/** The guarded flag a token reaches, exactly or as an argparse prefix. */
function guardedFlag(flag: string): string | undefined {
    if (LONG_FLAGS.includes(flag)) return flag;
    // "--" plus at least two characters: shorter prefixes are ambiguous for argparse anyway.
    return flag.length >= 4 ? LONG_FLAGS.find((f) => f.startsWith(flag)) : undefined;
}

/** One message per offending token (without the `extraArgs: ` prefix). Never echoes a value. */
export function extraArgsProblems(args: readonly string[]): string[] {
    const problems: string[] = [];
    for (const arg of args) {
        const flag = canonicalFlag(arg);
        if (flag === undefined) continue;
        if (/\s/.test(flag)) {
            problems.push(`"${truncate(flag.split(/\s/, 1)[0])} ..." holds several words in one item; give each flag and value its own item`);
        }
        const word = flag.split(/\s/, 1)[0];
        const guarded = guardedFlag(word);
        if (guarded === undefined) continue;
        const as = word === guarded ? "" : ` (argparse expands the prefix "${word}" to ${guarded}, or fails on it as ambiguous)`;
        if (guarded in OWNED_FLAGS) {
            problems.push(`${word} sets ${guarded}${as}, which comes from ${OWNED_FLAGS[guarded]}; remove it from extraArgs`);
        } else {
            problems.push(`${word}${as} ${FORBIDDEN_FLAGS[guarded]}; remove it from extraArgs`);
        }
    }
    // Short aliases (-tp 2, -dp 2), their abbreviations (-t 2 is -tp 2) and the ambiguous ones
    // argparse refuses (-d), parsed as the policy pack parses them.
    const { flags, ambiguous } = parallelismFlagDetails(args);
    for (const f of flags) {
        if (!f.flag.startsWith("--")) {
            const as = f.expands ? ` (argparse reads ${f.flag} as ${f.expands})` : "";
            problems.push(`${f.flag}${as} changes how many GPUs a pod needs; use tensorParallelSize/pipelineParallelSize instead`);
        }
    }
    for (const a of ambiguous) {
        if (!a.flag.startsWith("--") || guardedFlag(canonicalFlag(a.flag)!) === undefined) {
            problems.push(`${truncate(a.flag)} is an ambiguous abbreviation (${a.candidates.join(", ")}): argparse refuses it and vLLM exits at start-up; remove it from extraArgs`);
        }
    }
    return problems;
}
