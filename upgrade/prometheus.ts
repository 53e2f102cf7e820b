/** Instant queries against the Prometheus that scrapes the stack (its HTTP API). */

export interface PromSample {
    metric: Record<string, string>;
    value: [number, string];
}

export class PrometheusClient {
    constructor(readonly url: string) {}

    async query(q: string): Promise<PromSample[]> {
        const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(q)}`, { signal: AbortSignal.timeout(30_000) });
        const body = (await res.json()) as { status: string; data?: { result: PromSample[] }; error?: string };
        if (body.status !== "success" || !body.data) throw new Error(`Prometheus query failed: ${body.error ?? res.status}: ${q}`);
        return body.data.result;
    }

    /** The single value of a scalar-like query, or undefined when it returns nothing or NaN. */
    async value(q: string): Promise<number | undefined> {
        const r = await this.query(q);
        if (r.length === 0) return undefined;
        const v = Number(r[0].value[1]);
        return Number.isNaN(v) ? undefined : v;
    }
}

/** `pod=~"a|b"` for exact pod names. */
export function podRegex(pods: string[]): string {
    return pods.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\\\$&")).join("|");
}
