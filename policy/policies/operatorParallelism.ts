/**
 * TP x PP (x DP) against the GPUs of vLLM engines that operators build from their own custom
 * resources (KubeAI Model, Dynamo DynamoGraphDeployment; see kube-parser's operators.ts). Same
 * verdicts as for pod templates: a definite mismatch is `vllm-tp-matches-gpus`'s, a count the
 * object cannot tell is `vllm-values-literal`'s.
 */
import { AMBIGUOUS_ABBREVIATION_TAIL, KubeObject, OperatorServer, operatorServers, vllmParallelism } from "@vllm-pulumi/kube-parser";
import { countOf } from "./accelerators";
import { describe, plural, product, templateHint, Verdict } from "./parallelism";

function serverVerdicts(s: OperatorServer, out: Verdict[]): void {
    if (s.cpu) return; // a CPU profile: KubeAI runs vLLM's CPU image
    const p = vllmParallelism(s.args);
    for (const a of p.ambiguous) {
        out.push({ kind: "mismatch", message: `${s.label}: "${a.flag}" is an ambiguous abbreviation (it could be ${a.candidates.join(", ")}): ${AMBIGUOUS_ABBREVIATION_TAIL}` });
    }
    // One engine on several pods (Dynamo multinode) spans the world; a single pod holds its local share.
    const need = product(s.nodes > 1 ? p.worldFactors : p.localFactors);
    const needs = "n" in need ? `${describe(p)} needs ${plural(need.n, "GPU")}` : describe(p);
    if (s.unknownGpus !== undefined) {
        out.push({ kind: "unresolved", message: `${s.label}: cannot check ${needs} against its GPUs: ${s.unknownGpus}.` });
        return;
    }
    const have = countOf(s.gpus);
    if (have === undefined) {
        out.push({ kind: "mismatch", message: `${s.label}: ${needs} but sets no ${s.gpuSource}: vLLM stops at start-up when it finds no GPU. Set it to ${"n" in need ? need.n / s.nodes : "the tensor-parallel size"}.` });
    } else if ("bad" in have) {
        out.push({ kind: "mismatch", message: `${s.label}: ${s.gpuSource} is "${have.bad}", which is not a number.` });
    } else if ("n" in have && "n" in need) {
        const total = have.n * s.nodes;
        if (total !== need.n) {
            const fix = s.profile !== undefined
                ? `Set resourceProfile to "${s.profile}:${need.n}" (KubeAI's GPU profiles hold one GPU per unit), or change the flags.`
                : `Set ${s.gpuSource.split(" x ")[0]} to ${need.n / s.nodes}, or change the flags.`;
            out.push({ kind: "mismatch", message: `${s.label}: ${needs} but ${s.gpuSource} gives ${total}. ${fix}` });
        }
    } else if (!("symbol" in have && "symbol" in need && have.symbol === need.symbol && s.nodes === 1)) {
        const values = [..."unknown" in need ? need.unknown : "raw" in need ? [need.raw] : [], ..."raw" in have ? [have.raw] : []];
        out.push({ kind: "unresolved", message: `${s.label}: cannot check ${needs} against ${s.gpuSource}: ${values.map(v => `"${v}"`).join(", ")} not a literal number. ${templateHint(values, "Write the flags and the GPU count literally.")}` });
    }
}

/** Verdicts for every vLLM engine an operator object describes (empty for other objects). */
export function operatorVerdicts(obj: KubeObject): Verdict[] {
    const out: Verdict[] = [];
    for (const s of operatorServers(obj)) serverVerdicts(s, out);
    return out;
}
