/**
 * The doctor's view of Prometheus' HTTP API (/api/v1): directly at a URL, or through the API
 * server's service proxy to the `prometheus-operated` Service the Operator creates (for a cluster
 * whose Prometheus is not reachable from here). Only the three reads the links need.
 */
import { KubeReader, firstLine, statusMessage } from "./kube";

export interface PromTarget {
    labels: Record<string, string>;
    scrapePool: string;
    scrapeUrl: string;
    health: string;
    lastError: string;
}

export interface PromRuleGroup {
    name: string;
    file: string;
    rules: { name: string; health: string; lastError?: string }[];
}

export interface PromSeries {
    labels: Record<string, string>;
    value: number;
}

export interface PromReader {
    /** Where it reads from, for the header line. */
    readonly where: string;
    query(promql: string): Promise<PromSeries[]>;
    targets(): Promise<PromTarget[]>;
    ruleGroups(): Promise<PromRuleGroup[]>;
}

interface ApiBody<T> {
    status: string;
    data: T;
    error?: string;
}

function unwrap<T>(what: string, status: number, text: string): T {
    let body: ApiBody<T>;
    try {
        body = JSON.parse(text) as ApiBody<T>;
    } catch {
        throw new Error(`${what}: HTTP ${status}, not a Prometheus API answer: ${statusMessage(text)}`);
    }
    if (status !== 200 || body.status !== "success") throw new Error(`${what}: HTTP ${status} ${body.error ?? statusMessage(text)}`.trim());
    return body.data;
}

abstract class BasePromReader implements PromReader {
    abstract readonly where: string;
    protected abstract getText(pathAndQuery: string): Promise<{ status: number; body: string }>;

    private async api<T>(pathAndQuery: string): Promise<T> {
        let r: { status: number; body: string };
        try {
            r = await this.getText(pathAndQuery);
        } catch (e) {
            throw new Error(`Prometheus at ${this.where} does not answer: ${firstLine(e)}`);
        }
        return unwrap<T>(`Prometheus ${pathAndQuery.split("?")[0]}`, r.status, r.body);
    }

    async query(promql: string): Promise<PromSeries[]> {
        const d = await this.api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(promql)}`);
        return d.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    }

    async targets(): Promise<PromTarget[]> {
        return (await this.api<{ activeTargets: PromTarget[] }>("/api/v1/targets?state=active")).activeTargets;
    }

    async ruleGroups(): Promise<PromRuleGroup[]> {
        return (await this.api<{ groups: PromRuleGroup[] }>("/api/v1/rules")).groups;
    }
}

/** Prometheus at a URL (`--prometheus-url`, `$PROMETHEUS_URL`, the local environment's relay). */
export class DirectPromReader extends BasePromReader {
    constructor(
        readonly where: string,
        private readonly timeoutMs = 10_000,
    ) {
        super();
    }

    protected async getText(pathAndQuery: string) {
        const res = await fetch(`${this.where.replace(/\/$/, "")}${pathAndQuery}`, { signal: AbortSignal.timeout(this.timeoutMs) });
        return { status: res.status, body: await res.text() };
    }
}

/** Prometheus through the API server: /api/v1/namespaces/NS/services/prometheus-operated:web/proxy. */
export class ProxiedPromReader extends BasePromReader {
    readonly where: string;
    private readonly base: string;

    constructor(
        private readonly kube: KubeReader,
        namespace: string,
        service = "prometheus-operated",
        port = "web",
    ) {
        super();
        this.base = `/api/v1/namespaces/${namespace}/services/${service}:${port}/proxy`;
        this.where = `the API server's proxy to Service ${namespace}/${service}:${port}`;
    }

    protected getText(pathAndQuery: string) {
        return this.kube.raw(`${this.base}${pathAndQuery}`);
    }
}
