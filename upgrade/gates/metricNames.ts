/**
 * Metric gate: every name the stack's rules read is among the series Prometheus scraped from each
 * canary pod (the /metrics the ServiceMonitor sees). Waits up to a few scrape intervals for a scrape
 * after the smoke request (which creates the lazily exported HTTP series).
 */
import { PrometheusClient } from "../prometheus";

export interface MetricGateResult {
    ok: boolean;
    required: number;
    /** Per pod: required names it does not export. */
    missing: Record<string, string[]>;
    seconds: number;
}

async function exportedNames(prom: PrometheusClient, namespace: string, pod: string): Promise<Set<string>> {
    const r = await prom.query(`group by (__name__) ({namespace="${namespace}", pod="${pod}"})`);
    return new Set(r.map((s) => s.metric.__name__));
}

export async function metricGate(o: { prom: PrometheusClient; namespace: string; pods: string[]; required: string[]; waitSeconds: number }): Promise<MetricGateResult> {
    const started = Date.now();
    let missing: Record<string, string[]> = {};
    do {
        missing = {};
        for (const pod of o.pods) {
            const have = await exportedNames(o.prom, o.namespace, pod);
            const lacks = o.required.filter((n) => !have.has(n));
            if (lacks.length > 0) missing[pod] = lacks;
        }
        if (Object.keys(missing).length === 0 || Date.now() - started >= o.waitSeconds * 1000) break;
        await new Promise((r) => setTimeout(r, 2000));
    } while (true);
    return { ok: Object.keys(missing).length === 0, required: o.required.length, missing, seconds: (Date.now() - started) / 1000 };
}
