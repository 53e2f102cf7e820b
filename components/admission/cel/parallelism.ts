/**
 * How many GPUs a vLLM server needs, in CEL: packages/kube-parser/src/flags.ts (findFlag,
 * vllmParallelism) and policy/policies/parallelism.ts (local and LeaderWorkerSet group verdicts).
 * Stages after WORKLOAD_VARIABLES; each item of `variables.parallel` is one server container
 * (app containers only) with, per factor (tp, pp, dp, dpl, nn), `<f>Flag` (as written, '' when
 * absent), `<f>Raw` (its value as written) and `<f>N` (1 when absent, 0 when not a positive integer).
 */
import { AMBIGUOUS_ABBREVIATION_TAIL, TP_DEFAULT_DESCRIPTION } from "@vllm-pulumi/kube-parser";
import { ambiguousAbbreviations, FACTOR_OPTIONS, spellingsOf } from "./flagSpellings";
import { CelVariable, record, stage, str, strList } from "./lang";
import { PROC_FIELDS, SHELL_OPERATORS } from "./workload";

/** A CEL map literal of strings. */
const strMap = (m: Record<string, string>) => `{${Object.entries(m).map(([k, v]) => `${str(k)}: ${str(v)}`).join(", ")}}`;

const FACTORS = ["tp", "pp", "dp", "dpl", "nn"] as const;

/** A flag token's option name: no `=value`, `_` as `-` in long options (flagName in flags.ts). */
const canonical = (t: string) => `(${t}.startsWith('--') ? ${t}.split('=')[0].replace('_', '-') : ${t}.split('=')[0])`;

/** The index of the last token that sets factor f (argparse: the last one wins), or -1. */
const lastIndex = (f: string) => `([-1] + lists.range(x.args.size()).filter(i, x.factors[i] == ${str(f)})).max()`;

const rawAt = (f: string) =>
    `x.${f}I < 0 ? '' : x.args[x.${f}I].contains('=') ? x.args[x.${f}I].substring(x.args[x.${f}I].indexOf('=') + 1) : x.${f}I + 1 < x.args.size() ? x.args[x.${f}I + 1] : ''`;
const numberOf = (f: string) => `x.${f}I < 0 ? 1 : x.${f}Raw.matches('^\\\\s*[0-9]{1,18}\\\\s*$') && int(x.${f}Raw.trim()) > 0 ? int(x.${f}Raw.trim()) : 0`;

/** Extended resources a vLLM process runs its workers on (policy/policies/accelerators.ts). */
export const ACCELERATOR_RESOURCES = ["nvidia.com/gpu", "amd.com/gpu", "google.com/tpu", "habana.ai/gaudi", "aws.amazon.com/neuroncore", "gpu.intel.com/i915"];

export const limitsOf = (c: string) => `${c}.?resources.?limits.orValue({})`;
export const requestsOf = (c: string) => `${c}.?resources.?requests.orValue({})`;
/** The accelerator resources a container names, in ACCELERATOR_RESOURCES order (the first one counts). */
export const accelerators = (c: string) => `${strList(ACCELERATOR_RESOURCES)}.filter(r, r in ${limitsOf(c)} || r in ${requestsOf(c)})`;
/** An accelerator count as an integer (quantities arrive as strings; a custom resource may hold a number). */
export const count = (q: string) => `quantity(string(${q})).asInteger()`;

/** A pod's accelerators: per app container its first accelerator resource's limit, else request (podAccelerators). */
const podAccelerators = (spec: string) =>
    `([0] + ${spec}.?containers.orValue([]).map(c, ${accelerators("c")}.map(r, ${count(`r in ${limitsOf("c")} ? ${limitsOf("c")}[r] : ${requestsOf("c")}[r]`)})).map(l, l.size() == 0 ? 0 : l[0])).sum()`;

const FLAG_FIELDS = FACTORS.flatMap(f => [`${f}Flag`, `${f}Raw`, `${f}N`]);

export function parallelVariables(): CelVariable[] {
    const spell = Object.fromEntries(FACTORS.map(f => [f, spellingsOf(FACTOR_OPTIONS[f])]));
    const expands = strMap(Object.assign({}, ...FACTORS.map(f => spell[f].expands)));
    const described = (f: string) => `x.${f}Flag + ' ' + x.${f}Raw + (${canonical(`x.${f}Flag`)} in ${expands} ? ' (argparse reads ' + x.${f}Flag + ' as ' + ${expands}[${canonical(`x.${f}Flag`)}] + ')' : '')`;
    const ambiguous = strMap(ambiguousAbbreviations());
    const base = [...PROC_FIELDS];
    // Every spelling of every factor's option -> the factor: one lookup per token instead of a list scan per factor.
    const factorOf = strMap(Object.fromEntries(FACTORS.flatMap(f => spell[f].spellings.map(sp => [sp, f]))));
    const indexes = Object.fromEntries(FACTORS.map(f => [`${f}I`, lastIndex(f)]));
    const raws = Object.fromEntries(FACTORS.flatMap(f => [[`${f}Raw`, rawAt(f)], [`${f}Flag`, `x.${f}I < 0 ? '' : x.args[x.${f}I].split('=')[0]`]]));
    const withIndexes = [...base, "args", "names", ...FACTORS.map(f => `${f}I`)];
    return [
        {
            name: "servers",
            expression: `variables.procs.filter(x, x.list == 'containers' && x.start >= 0).map(x, ${record({
                ...Object.fromEntries(base.map(k => [k, `x.${k}`])),
                args: `x.tokens.slice(x.start, ([x.tokens.size()] + lists.range(x.tokens.size()).filter(i, i >= x.start && x.tokens[i] in ${strMap(Object.fromEntries(SHELL_OPERATORS.map(o => [o, o])))})).min())`,
            })})`,
        },
        stage("optionNames", "servers", [...base, "args"], { names: `x.args.map(t, t.startsWith('-') ? ${canonical("t")} : '')` }),
        stage("tokenFactors", "optionNames", [...base, "args", "names"], { factors: `x.names.map(n, n in ${factorOf} ? ${factorOf}[n] : '')` }),
        stage("flagIndexes", "tokenFactors", [...base, "args", "names"], indexes),
        stage("flagValues", "flagIndexes", withIndexes, raws),
        stage("parallel", "flagValues", [...base, "args", "names", ...FACTORS.flatMap(f => [`${f}Flag`, `${f}Raw`])], Object.fromEntries(FACTORS.map(f => [`${f}N`, numberOf(f)]))),
        stage("needs", "parallel", [...base, "args", "names", ...FLAG_FIELDS], {
            // Data-parallel ranks on this pod: --data-parallel-size-local, else --data-parallel-size.
            localN: "x.dplFlag != '' ? x.dplN : x.dpN",
            desc:
                `[x.tpFlag, x.ppFlag, x.dpFlag, x.dplFlag].all(f, f == '') ? ${str(TP_DEFAULT_DESCRIPTION)} : ` +
                `[${["tp", "pp", "dp", "dpl"].map(f => `x.${f}Flag == '' ? '' : string(${described(f)})`).join(", ")}].filter(d, d != '').join(' x ')`,
            // Abbreviations argparse refuses: vLLM exits at start-up (ambiguousParallelFlags).
            ambiguous:
                `lists.range(x.args.size()).filter(i, x.names[i] in ${ambiguous}).map(i, x.label + ': "' + x.args[i].split('=')[0] + '" is an ambiguous abbreviation (it could be ' + ` +
                `${ambiguous}[x.names[i]] + '): ' + ${str(AMBIGUOUS_ABBREVIATION_TAIL)})`,
            resource: accelerators("x.c"),
            headless: "'--headless' in x.args",
        }),
    ];
}

/** `variables.needs` item fields, for stages after it. */
export const NEEDS_FIELDS = [...PROC_FIELDS, "args", ...FLAG_FIELDS, "localN", "desc", "ambiguous", "resource", "headless"];

/** The object's LeaderWorkerSet group size when it is one with more than one pod, else 1. */
export const GROUP_SIZE = "object.kind == 'LeaderWorkerSet' ? int(object.?spec.?leaderWorkerTemplate.?size.orValue(1)) : 1";
export const LEADER_GPUS = podAccelerators("variables.podSpecs[0].spec");
export const WORKER_GPUS = podAccelerators("variables.podSpecs[1].spec");
