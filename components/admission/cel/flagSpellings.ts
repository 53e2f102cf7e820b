/**
 * Every spelling argparse reads as each parallelism option, computed from the parser's own
 * resolveOption over vLLM's option table (flags.ts): exact names and unique prefixes (`-t` is
 * `-tp`, `--tensor` is `--tensor-parallel-size`), and the prefixes argparse refuses as ambiguous.
 * CEL gets them as literal lists and maps, so both enforcement points read flags alike.
 */
import { PARALLEL_FLAGS, resolveOption, VLLM_PARALLEL_OPTIONS } from "@vllm-pulumi/kube-parser";

/** Every prefix of an option that argparse could be given (at least `-x`). */
function prefixes(): string[] {
    const out = new Set<string>();
    for (const o of VLLM_PARALLEL_OPTIONS) for (let n = 2; n <= o.length; n++) out.add(o.slice(0, n));
    return [...out].sort();
}

/** The spellings of the option(s) `names`, with the option each abbreviation expands to. */
export function spellingsOf(names: readonly string[]): { spellings: string[]; expands: Record<string, string> } {
    const spellings = [...names];
    const expands: Record<string, string> = {};
    for (const p of prefixes()) {
        const m = resolveOption(p);
        if (m && "option" in m && names.includes(m.option) && !names.includes(p)) {
            spellings.push(p);
            expands[p] = m.option;
        }
    }
    return { spellings, expands };
}

/** Abbreviations argparse refuses, with the options they could be (as the pack's message lists them). */
export function ambiguousAbbreviations(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of prefixes()) {
        const m = resolveOption(p);
        if (m && "ambiguous" in m) out[p] = m.ambiguous.join(", ");
    }
    // `--x` of one letter is ambiguous in vLLM whatever the table says (resolveOption's rule).
    return out;
}

export const FACTOR_OPTIONS = {
    tp: PARALLEL_FLAGS.tensor,
    pp: PARALLEL_FLAGS.pipeline,
    dp: PARALLEL_FLAGS.data,
    dpl: PARALLEL_FLAGS.dataLocal,
    nn: ["--nnodes"],
} as const;
