/** A small typed client for the Prometheus HTTP API (/api/v1), enough for the environment and tests. */

export interface Sample {
    metric: Record<string, string>;
    /** The sample value as a number (Prometheus sends it as a string). */
    value: number;
    timestamp: number;
}

export interface Target {
    labels: Record<string, string>;
    scrapePool: string;
    scrapeUrl: string;
    health: "up" | "down" | "unknown";
    lastError: string;
}

export interface RuleGroup {
    name: string;
    file: string;
    rules: { name: string; type: "recording" | "alerting"; health: string; query: string }[];
}

interface ApiResponse<T> {
    status: "success" | "error";
    data: T;
    error?: string;
    errorType?: string;
}

async function get<T>(baseUrl: string, pathAndQuery: string): Promise<T> {
    const url = `${baseUrl}${pathAndQuery}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as ApiResponse<T>;
    if (!res.ok || body.status !== "success") {
        throw new Error(`Prometheus ${url}: HTTP ${res.status} ${body.errorType ?? ""} ${body.error ?? ""}`.trim());
    }
    return body.data;
}

/** Instant query; only vector results (what every caller here asks for). */
export async function query(baseUrl: string, promql: string): Promise<Sample[]> {
    const data = await get<{ resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }>(
        baseUrl,
        `/api/v1/query?query=${encodeURIComponent(promql)}`,
    );
    if (data.resultType !== "vector") throw new Error(`query ${promql}: expected a vector result, got ${data.resultType}`);
    return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]), timestamp: r.value[0] }));
}

export async function activeTargets(baseUrl: string): Promise<Target[]> {
    return (await get<{ activeTargets: Target[] }>(baseUrl, "/api/v1/targets?state=active")).activeTargets;
}

export async function ruleGroups(baseUrl: string): Promise<RuleGroup[]> {
    return (await get<{ groups: RuleGroup[] }>(baseUrl, "/api/v1/rules")).groups;
}

/** The YAML of the configuration Prometheus is running right now. */
export async function runningConfig(baseUrl: string): Promise<string> {
    return (await get<{ yaml: string }>(baseUrl, "/api/v1/status/config")).yaml;
}
