import type { ResourceValidationPolicy } from "@pulumi/policy";
import { containerLabel, containersOf, GPU_RESOURCES, parseQuantity, Parallelism, vllmParallelism, vllmServer } from "@vllm-pulumi/kube-parser";
import { objectOf } from "./util";

/** `--tensor-parallel-size=2 x -pp 2`: the flags as written, for messages. */
function describe(p: Parallelism): string {
    if (p.flags.length === 0) {
        return "tensor-parallel size 1 (no --tensor-parallel-size flag)";
    }
    return p.flags.map(f => `${f.flag} ${f.raw}`).join(" x ");
}

/** The GPU resource the container asks for (the first GPU resource set), with its limit and request. */
function gpuAsk(resources: any): { resource: string; limit?: number; request?: number } {
    for (const resource of GPU_RESOURCES) {
        const limit = parseQuantity(resources?.limits?.[resource]);
        const request = parseQuantity(resources?.requests?.[resource]);
        if (limit !== undefined || request !== undefined) {
            return { resource, limit, request };
        }
    }
    return { resource: GPU_RESOURCES[0] };
}

/**
 * vLLM starts one worker per GPU of its world (TP x PP x local DP); when the pod has fewer
 * GPUs than that, the server hangs at startup waiting for workers that never come; with
 * more, GPUs sit idle.
 */
export const vllmTpMatchesGpus: ResourceValidationPolicy = {
    name: "vllm-tp-matches-gpus",
    description: "A vLLM server's tensor-parallel size (x pipeline-parallel x data-parallel size) must equal its nvidia.com/gpu limit and request.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Make resources.limits and resources.requests nvidia.com/gpu equal to --tensor-parallel-size (times --pipeline-parallel-size and --data-parallel-size when set), " +
        "or change the flag. Write the flag's value literally (or from a literal env var) so it can be checked.",
    validateResource: (args, reportViolation) => {
        const obj = objectOf(args);
        if (!obj) return;
        for (const ref of containersOf(obj)) {
            if (ref.list !== "containers") continue;
            const server = vllmServer(ref.container);
            if (!server) continue;
            const who = containerLabel(ref);
            const p = vllmParallelism(server.args);
            if (p.invalid.length > 0) {
                for (const f of p.invalid) {
                    reportViolation(`${who}: ${f.flag} is "${f.raw}", not a positive integer, so its GPU count cannot be checked. Write the number literally.`);
                }
                continue;
            }
            const gpu = gpuAsk(ref.container.resources);
            const needs = `${describe(p)} needs ${p.gpus} GPU${p.gpus === 1 ? "" : "s"}`;
            if (gpu.limit === undefined) {
                reportViolation(`${who}: ${needs} but has no limits "${gpu.resource}". Set limits and requests "${gpu.resource}" to ${p.gpus}.`);
            } else if (gpu.limit !== p.gpus) {
                reportViolation(`${who}: ${needs} but limits "${gpu.resource}" is ${gpu.limit}. Set limits and requests "${gpu.resource}" to ${p.gpus}, or change the flag.`);
            }
            if (gpu.request !== undefined && gpu.request !== p.gpus) {
                reportViolation(`${who}: ${needs} but requests "${gpu.resource}" is ${gpu.request}. Set requests "${gpu.resource}" to ${p.gpus}.`);
            }
        }
    },
};
