/**
 * Does a vLLM server get as many accelerators as it starts workers? One place decides, for two
 * policies: `vllm-tp-matches-gpus` reports definite mismatches (mandatory), `vllm-values-literal`
 * the cases that cannot be checked because a value is still a template variable (advisory).
 *
 * - A pod's own process needs TP x PP x local DP devices (`--data-parallel-size-local`, else DP);
 *   with `--nnodes N` each of the N pods runs a 1/N share of TP x PP x DP.
 * - In a LeaderWorkerSet the leader's server (not `--headless`, no local DP, no `--nnodes`) runs
 *   the whole group through Ray: TP x PP x DP must equal the group's devices, leader pod + (size-1)
 *   worker pods.
 * - The same template variable on both sides (`--tensor-parallel-size ${TP}` with `nvidia.com/gpu:
 *   ${TP}`) is equal; any other variable makes the check impossible, never a mismatch.
 */
import {
    AMBIGUOUS_ABBREVIATION_TAIL,
    ContainerRef,
    containerLabel,
    containersOf,
    Factor,
    isGoTemplate,
    isHelmTemplate,
    isLeaderWorkerSet,
    isOperatorServerKind,
    isVllmCpuBuild,
    isVllmImage,
    KSERVE_GROUP,
    KubeObject,
    lwsGroupSize,
    Parallelism,
    podSpecsOf,
    templateSymbol,
    TP_DEFAULT_DESCRIPTION,
    TP_GPU_BUILD_NO_GPU,
    TP_GROUP_FIX,
    TP_PIP_GPU_BUILD,
    vllmParallelism,
    vllmServer,
} from "@vllm-pulumi/kube-parser";
import { acceleratorAsk, Count, countOf, podAccelerators } from "./accelerators";
import { operatorVerdicts } from "./operatorParallelism";

export interface Verdict {
    kind: "mismatch" | "unresolved";
    message: string;
}

export const HELM_HINT = "The manifest is an unrendered Helm template: render it with `helm template` first, then check the output.";

/** A `{{ ... }}` without Helm's names: a controller's own template (KServe's `{{.Name}}`), not an unrendered chart. */
export const GO_TEMPLATE_HINT =
    "`{{ ... }}` is a Go template that a controller (e.g. KServe) fills in when it creates the pod, not an unrendered Helm chart; its value cannot be checked here.";

/** The hint for values that cannot be checked: Helm's, a controller's template, or `fallback`. */
export function templateHint(values: readonly unknown[], fallback: string): string {
    if (values.some(isHelmTemplate)) return HELM_HINT;
    return values.some(isGoTemplate) ? `${GO_TEMPLATE_HINT} ${fallback}` : fallback;
}

/** A product of factors: a number, one template variable, or not computable (several variables). */
export type Product = { n: number } | { symbol: string; raw: string } | { unknown: string[] };

export function product(factors: Factor[]): Product {
    let n = 1;
    const vars: string[] = [];
    for (const f of factors) {
        if (typeof f === "number") n *= f;
        else vars.push(f.raw);
    }
    if (vars.length === 0) return { n };
    const symbol = templateSymbol(vars[0]);
    if (vars.length === 1 && n === 1 && symbol !== undefined) return { symbol, raw: vars[0] };
    return { unknown: vars };
}

/** `--tensor-parallel-size=2 x -pp 2`: the flags as written, for messages. */
export function describe(p: Parallelism): string {
    if (p.flags.length === 0) return TP_DEFAULT_DESCRIPTION;
    return p.flags.map(f => `${f.flag} ${f.raw}${f.expands ? ` (argparse reads ${f.flag} as ${f.expands})` : ""}`).join(" x ");
}

export const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/** Compares what the process needs with one side (limit or request) of what it asks for. */
function compare(who: string, needs: string, need: Product, side: "limits" | "requests", resource: string, have: Count, out: Verdict[]): void {
    const fix = `Set limits and requests "${resource}" to the same value as the flag`;
    if ("bad" in have) {
        out.push({ kind: "mismatch", message: `${who}: ${side} "${resource}" is "${have.bad}", which is not a number. ${fix}.` });
    } else if ("n" in have && "n" in need) {
        if (have.n !== need.n) {
            const tail = side === "limits" ? `Set limits and requests "${resource}" to ${need.n}, or change the flag.` : `Set requests "${resource}" to ${need.n}.`;
            out.push({ kind: "mismatch", message: `${who}: ${needs} but ${side} "${resource}" is ${have.n}. ${tail}` });
        }
    } else if ("symbol" in have && "symbol" in need && have.symbol === need.symbol) {
        // The same variable on both sides: equal whatever it is set to.
    } else {
        const values = [..."unknown" in need ? need.unknown : "raw" in need ? [need.raw] : [], ..."raw" in have ? [have.raw] : []];
        out.push({
            kind: "unresolved",
            message:
                `${who}: cannot check ${needs} against ${side} "${resource}" ${"n" in have ? have.n : `"${(have as { raw: string }).raw}"`}: ` +
                `${values.map(v => `"${v}"`).join(", ")} ${values.length === 1 ? "is a template variable" : "are template variables"} with no literal value here. ` +
                templateHint(values, "Write the flag and the GPU count literally, or as the same variable."),
        });
    }
}

/** Verdicts for the process in one container: its own pod's devices against its local share. */
function localVerdicts(ref: ContainerRef, p: Parallelism, factors: Factor[], out: Verdict[], runtimeTemplate = false): void {
    const who = containerLabel(ref);
    const need = product(factors);
    const needs = "n" in need ? `${describe(p)} needs ${plural(need.n, "GPU")}` : `${describe(p)}`;
    const ask = acceleratorAsk(ref.container?.resources);
    if (!ask && runtimeTemplate) {
        // A KServe runtime's container gets its resources from each InferenceService that uses it.
        out.push({ kind: "unresolved", message: `${who}: cannot check ${needs}: a KServe serving runtime sets no GPUs, the InferenceService does (predictor.model.resources). Check that each InferenceService using this runtime asks for as many GPUs as the flags.` });
        return;
    }
    if (!ask?.limit) {
        if (!ask && isVllmCpuBuild(ref.container)) return; // vLLM's CPU build runs without any GPU
        const resource = ask?.resource ?? "nvidia.com/gpu";
        const count = "n" in need ? String(need.n) : "the tensor-parallel size";
        const what = ask ? `has requests but no limits "${resource}"` : `has no limits "${resource}": ${noGpuReason(ref.container)}`;
        out.push({ kind: "mismatch", message: `${who}: ${needs} but ${what}. Set limits and requests "${resource}" to ${count}${ask ? "" : ", or run vLLM's CPU image for CPU inference"}.` });
        return;
    }
    compare(who, needs, need, "limits", ask.resource, ask.limit, out);
    if (ask.request) compare(who, needs, need, "requests", ask.resource, ask.request, out);
}

/**
 * Why a vLLM server without a GPU fails: a vLLM image is the GPU build; another image (a base
 * image whose script installs vLLM, a placeholder) runs whatever vLLM it holds, which is the GPU
 * build unless it was built for CPU.
 */
function noGpuReason(container: any): string {
    const image = typeof container?.image === "string" ? container.image : undefined;
    if (image !== undefined && isVllmImage(image)) return `image "${image}" ${TP_GPU_BUILD_NO_GPU}`;
    const how = vllmServer(container)?.evidence ?? "vllm serve";
    const on = image === undefined ? "an image the manifest does not name" : `image "${image}", which is not one of vLLM's images`;
    return `it runs vLLM (${how}) on ${on}; ${TP_PIP_GPU_BUILD}`;
}

/** The leader of a LeaderWorkerSet: TP x PP x DP against every device of the group. */
function groupVerdicts(obj: KubeObject, ref: ContainerRef, p: Parallelism, out: Verdict[]): void {
    const who = containerLabel(ref);
    const world = product(p.worldFactors);
    const rawSize = obj.body?.spec?.leaderWorkerTemplate?.size;
    const size = lwsGroupSize(obj);
    const [leader, worker] = podSpecsOf(obj);
    const leaderGpus = podAccelerators(leader?.spec);
    const workerGpus = podAccelerators(worker?.spec);
    if (!("n" in world) || size === undefined || leaderGpus === undefined || workerGpus === undefined) {
        const unknown = [..."unknown" in world ? world.unknown : "raw" in world ? [world.raw] : [], ...(size === undefined ? [String(rawSize)] : [])];
        out.push({
            kind: "unresolved",
            message: `${who}: cannot check ${describe(p)} against the LeaderWorkerSet's GPUs (size x GPUs per pod): ${unknown.length ? unknown.map(v => `"${v}"`).join(", ") : "a GPU count"} is not a literal number. ${templateHint([...unknown, ...[leader, worker].map(t => JSON.stringify(t?.spec ?? {}))], "Write the flags, size and GPU counts literally.")}`,
        });
        return;
    }
    const total = leaderGpus + (size - 1) * workerGpus;
    if (world.n !== total) {
        const pods = leaderGpus === workerGpus ? `${size} pods (size) x ${leaderGpus} GPUs` : `a leader with ${leaderGpus} GPUs and ${size - 1} workers with ${workerGpus}`;
        out.push({
            kind: "mismatch",
            message:
                `${who}: ${describe(p)} needs ${plural(world.n, "GPU")} across the group, but the LeaderWorkerSet gives ${pods} = ${total}. ` +
                TP_GROUP_FIX,
        });
    }
}

/** Every verdict for an object's vLLM server containers (empty when all match); computed once per object. */
export function parallelismVerdicts(obj: KubeObject): Verdict[] {
    let verdicts = VERDICTS.get(obj);
    if (!verdicts) {
        verdicts = computeVerdicts(obj);
        VERDICTS.set(obj, verdicts);
    }
    return verdicts;
}

/** Both policies that read the verdicts see the same object (kubeObject caches it per resource). */
const VERDICTS = new WeakMap<KubeObject, Verdict[]>();

function computeVerdicts(obj: KubeObject): Verdict[] {
    if (isOperatorServerKind(obj)) return operatorVerdicts(obj);
    const out: Verdict[] = [];
    const multiNode = isLeaderWorkerSet(obj) && (lwsGroupSize(obj) ?? 2) > 1;
    const runtime = obj.group === KSERVE_GROUP && obj.kind !== "InferenceService";
    for (const ref of containersOf(obj)) {
        if (ref.list !== "containers") continue;
        const server = vllmServer(ref.container);
        if (!server) continue;
        const p = vllmParallelism(server.args);
        for (const a of p.ambiguous) {
            out.push({
                kind: "mismatch",
                message: `${containerLabel(ref)}: "${a.flag}" is an ambiguous abbreviation (it could be ${a.candidates.join(", ")}): ${AMBIGUOUS_ABBREVIATION_TAIL}`,
            });
        }
        if (p.nnodes !== undefined && p.nnodes > 1) {
            // One process per node, each running its 1/N share of the world.
            const w = product(p.worldFactors);
            if ("n" in w && w.n % p.nnodes === 0) localVerdicts(ref, p, [w.n / p.nnodes], out);
            else localVerdicts(ref, p, p.worldFactors, out);
        } else if (multiNode && !p.headless && !p.localSet) {
            groupVerdicts(obj, ref, p, out);
        } else {
            localVerdicts(ref, p, p.localFactors, out, runtime);
        }
    }
    return out;
}

/** Helps the policies' remediation text stay in one place. */
export const REMEDIATION =
    "Make resources.limits and resources.requests nvidia.com/gpu equal to --tensor-parallel-size (times --pipeline-parallel-size and the local data-parallel size when set); " +
    "in a LeaderWorkerSet make size x GPUs per pod equal TP x PP. Write values literally or as the same template variable on both sides so they can be checked.";


