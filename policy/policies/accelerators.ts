/**
 * The accelerators a container asks for, as written: a number, a template variable, or absent.
 */
import { isGoTemplate, isHelmTemplate, parseQuantity, templateSymbol } from "@vllm-pulumi/kube-parser";

/** Extended resources a vLLM process runs its workers on (one worker per device). */
export const ACCELERATOR_RESOURCES: readonly string[] = ["nvidia.com/gpu", "amd.com/gpu", "google.com/tpu", "habana.ai/gaudi", "aws.amazon.com/neuroncore", "gpu.intel.com/i915"];

/** A count as written in a manifest: a number, the template variable it still is, or garbage. */
export type Count = { n: number } | { symbol: string; raw: string; helm: boolean } | { bad: string };

export function countOf(raw: unknown): Count | undefined {
    if (raw === undefined || raw === null) return undefined;
    const n = parseQuantity(raw as string | number);
    if (n !== undefined) return { n };
    const symbol = templateSymbol(raw);
    if (symbol !== undefined) return { symbol, raw: String(raw), helm: isHelmTemplate(raw) };
    return isGoTemplate(raw) ? { symbol: String(raw), raw: String(raw), helm: isHelmTemplate(raw) } : { bad: String(raw) };
}

export interface AcceleratorAsk {
    resource: string;
    limit?: Count;
    request?: Count;
}

/** The first accelerator resource the container's limits or requests name, or undefined. */
export function acceleratorAsk(resources: any): AcceleratorAsk | undefined {
    for (const resource of ACCELERATOR_RESOURCES) {
        const limit = countOf(resources?.limits?.[resource]);
        const request = countOf(resources?.requests?.[resource]);
        if (limit !== undefined || request !== undefined) return { resource, limit, request };
    }
    return undefined;
}

/** Accelerators of a whole pod (sum of its app containers' limits), or undefined when one is not a number. */
export function podAccelerators(podSpec: any): number | undefined {
    let total = 0;
    for (const c of Array.isArray(podSpec?.containers) ? podSpec.containers : []) {
        const ask = acceleratorAsk(c?.resources);
        const limit = ask?.limit ?? ask?.request;
        if (limit === undefined) continue;
        if (!("n" in limit)) return undefined;
        total += limit.n;
    }
    return total;
}
