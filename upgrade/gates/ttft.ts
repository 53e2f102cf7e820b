/**
 * TTFT gate: over a bounded window of whatever traffic there is, the fraction of the canary's
 * requests whose time to first token is within the stack's target (the SLO's TTFT SLI, restricted to
 * the canary's pods), against the SLO objective and against the stable pods over the same window.
 * Passes when the canary meets the objective, or is no worse than the stable pods by more than the
 * tolerance (an overloaded fleet is not the new version's fault). Fewer than `minRequests` canary
 * requests: the gate cannot judge and fails.
 */
import { leLabel, VLLM } from "../../components/slo/vllmMetrics";
import { podRegex, PrometheusClient } from "../prometheus";

export interface TtftSide {
    requests: number;
    /** Fraction within the target, or undefined without requests. */
    compliance?: number;
}

export interface TtftGateResult {
    ok: boolean;
    canary: TtftSide;
    stable: TtftSide;
    windowSeconds: number;
    reason: string;
}

async function side(prom: PrometheusClient, namespace: string, pods: string[], targetSeconds: number, windowSeconds: number): Promise<TtftSide> {
    if (pods.length === 0) return { requests: 0 };
    const sel = `namespace="${namespace}", pod=~"${podRegex(pods)}"`;
    const name = VLLM.ttft.name;
    const total = (await prom.value(`sum(increase(${name}_count{${sel}}[${windowSeconds}s]))`)) ?? 0;
    const good = (await prom.value(`sum(increase(${name}_bucket{${sel}, le="${leLabel(targetSeconds)}"}[${windowSeconds}s]))`)) ?? 0;
    const requests = Math.round(total);
    return { requests, compliance: total > 0 ? Math.min(1, good / total) : undefined };
}

export async function ttftGate(o: {
    prom: PrometheusClient;
    namespace: string;
    canaryPods: string[];
    stablePods: string[];
    targetSeconds: number;
    objective: number;
    tolerance: number;
    minRequests: number;
    windowSeconds: number;
}): Promise<TtftGateResult> {
    const canary = await side(o.prom, o.namespace, o.canaryPods, o.targetSeconds, o.windowSeconds);
    const stable = await side(o.prom, o.namespace, o.stablePods, o.targetSeconds, o.windowSeconds);
    const base = { canary, stable, windowSeconds: o.windowSeconds };
    if (canary.requests < o.minRequests || canary.compliance === undefined) {
        return { ...base, ok: false, reason: `only ${canary.requests} canary requests in ${o.windowSeconds} s (need ${o.minRequests}): not enough traffic to judge` };
    }
    if (canary.compliance >= o.objective) return { ...base, ok: true, reason: `canary meets the objective ${o.objective}` };
    if (stable.compliance !== undefined && stable.requests >= o.minRequests && canary.compliance >= stable.compliance - o.tolerance) {
        return { ...base, ok: true, reason: `canary below the objective ${o.objective} but within ${o.tolerance} of the stable pods` };
    }
    return { ...base, ok: false, reason: `canary below the objective ${o.objective}${stable.compliance !== undefined ? ` and more than ${o.tolerance} below the stable pods` : ""}` };
}
