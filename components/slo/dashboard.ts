/**
 * A Grafana dashboard for one VllmService: the panels an on-call engineer opens first.
 * Queries read raw vLLM and kube-state-metrics series (not our recording rules), so the dashboard
 * works even where the PrometheusRule is switched off. Pure: returns the dashboard JSON model.
 */
import { ConfigMapObject } from "./adapterRule";
import { metricNamesIn, selector } from "./promql";
import { SloTarget, targetSelectors } from "./prometheusRule";
import { ResolvedSlo, round } from "./settings";
import { HTTP, KSM, VLLM, exposedSeries, leLabel } from "./vllmMetrics";

export interface DashboardTarget {
    refId: string;
    expr: string;
    legendFormat: string;
    datasource: { type: "prometheus"; uid: string };
}

export interface DashboardPanel {
    id: number;
    type: "timeseries" | "stat";
    title: string;
    description: string;
    gridPos: { x: number; y: number; w: number; h: number };
    datasource: { type: "prometheus"; uid: string };
    targets: DashboardTarget[];
    fieldConfig: { defaults: Record<string, unknown>; overrides: unknown[] };
    options: Record<string, unknown>;
}

export interface GrafanaDashboard {
    uid: string;
    title: string;
    tags: string[];
    timezone: string;
    schemaVersion: number;
    version: number;
    editable: boolean;
    refresh: string;
    time: { from: string; to: string };
    templating: { list: unknown[] };
    annotations: { list: unknown[] };
    panels: DashboardPanel[];
}

const DS = { type: "prometheus" as const, uid: "${datasource}" };

/** Short stable hash, so uids stay unique and within Grafana's 40 characters. */
function fnv1a(s: string): string {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) {
        h ^= s.charCodeAt(i);
        h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, "0");
}

export function dashboardUid(target: SloTarget): string {
    const base = `vllm-${target.namespace}-${target.serviceName}`;
    return base.length <= 40 ? base : `${base.slice(0, 31)}-${fnv1a(base)}`;
}

/** Thresholds drawn as a line (the SLO target or HPA target). */
function thresholdLine(value: number, color = "red"): Record<string, unknown> {
    return {
        thresholds: { mode: "absolute", steps: [{ color: "green", value: null }, { color, value }] },
        custom: { thresholdsStyle: { mode: "line" }, lineWidth: 1, fillOpacity: 0, showPoints: "never" },
    };
}

export function buildDashboard(slo: ResolvedSlo, target: SloTarget): GrafanaDashboard {
    const sel = targetSelectors(target);
    const m = selector(sel.model);
    const hpa = selector(sel.hpa);
    const api = selector(sel.service, [sel.apiHandlers]);
    const api5xx = selector(sel.service, [sel.apiHandlers, 'status=~"5.."']);
    const [ttftBucket, ttftCount] = exposedSeries(VLLM.ttft);
    const [itlBucket, itlCount] = exposedSeries(VLLM.interTokenLatency);
    const [httpTotal] = exposedSeries(HTTP.requestsTotal);
    const [promptTotal] = exposedSeries(VLLM.promptTokens);
    const [genTotal] = exposedSeries(VLLM.generationTokens);
    const [successTotal] = exposedSeries(VLLM.requestSuccess);
    const [preemptTotal] = exposedSeries(VLLM.numPreemptions);
    const waiting = VLLM.numRequestsWaiting.name;
    const running = VLLM.numRequestsRunning.name;
    const ri = "$__rate_interval";

    let id = 0;
    const panel = (
        title: string,
        description: string,
        gridPos: DashboardPanel["gridPos"],
        targets: Array<[expr: string, legend: string]>,
        defaults: Record<string, unknown>,
    ): DashboardPanel => ({
        id: ++id,
        type: "timeseries",
        title,
        description,
        gridPos,
        datasource: DS,
        targets: targets.map(([expr, legendFormat], i) => ({ refId: String.fromCharCode(65 + i), expr, legendFormat, datasource: DS })),
        fieldConfig: { defaults, overrides: [] },
        options: { legend: { displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi", sort: "desc" } },
    });

    const quantiles = (bucket: string) =>
        [0.5, 0.9, 0.99].map(
            (q): [string, string] => [`histogram_quantile(${q}, sum by (le) (rate(${bucket}${m}[${ri}])))`, `p${round(q * 100)}`],
        );
    const objective = slo.sloObjective;

    const panels: DashboardPanel[] = [
        panel(
            "Time to first token vs SLO target",
            `TTFT percentiles of model ${target.servedModelName}; the red line is the SLO target (${slo.ttftTargetSeconds}s, ${round(objective * 100)}% of requests within it).`,
            { x: 0, y: 0, w: 12, h: 8 },
            quantiles(ttftBucket),
            { unit: "s", ...thresholdLine(slo.ttftTargetSeconds) },
        ),
        panel(
            "Time per output token (inter-token latency) vs SLO target",
            `vllm:inter_token_latency_seconds percentiles (vLLM 0.11's name for TPOT); the red line is the target (${slo.tpotTargetSeconds}s).`,
            { x: 12, y: 0, w: 12, h: 8 },
            quantiles(itlBucket),
            { unit: "s", ...thresholdLine(slo.tpotTargetSeconds) },
        ),
        panel(
            "SLI compliance (5m) vs objective",
            `Share of good events over 5 minutes for each SLO; the red line is the objective (${objective}). The burn-rate alerts use the same ratios over 5m to 3d.`,
            { x: 0, y: 8, w: 12, h: 8 },
            [
                [
                    `sum(rate(${ttftBucket}${selector(sel.model, [`le="${leLabel(slo.ttftTargetSeconds)}"`])}[5m])) / sum(rate(${ttftCount}${m}[5m]))`,
                    `TTFT within ${slo.ttftTargetSeconds}s`,
                ],
                [
                    `sum(rate(${itlBucket}${selector(sel.model, [`le="${leLabel(slo.tpotTargetSeconds)}"`])}[5m])) / sum(rate(${itlCount}${m}[5m]))`,
                    `TPOT within ${slo.tpotTargetSeconds}s`,
                ],
                [`1 - (sum(rate(${httpTotal}${api5xx}[5m])) or vector(0)) / sum(rate(${httpTotal}${api}[5m]))`, "requests without 5xx"],
            ],
            { unit: "percentunit", min: 0, max: 1, ...thresholdLine(objective) },
        ),
        panel(
            "Request error rate",
            "Share of OpenAI API requests answered with a 5xx, and finished requests per second by reason (abort = client went away or was cancelled).",
            { x: 12, y: 8, w: 12, h: 8 },
            [
                [`(sum(rate(${httpTotal}${api5xx}[${ri}])) or vector(0)) / sum(rate(${httpTotal}${api}[${ri}]))`, "5xx ratio"],
                [`sum by (finished_reason) (rate(${successTotal}${m}[${ri}]))`, "finished {{finished_reason}} /s"],
            ],
            { unit: "short", min: 0 },
        ),
        panel(
            "Queue: waiting vs running vs HPA target",
            target.hpaName
                ? `Waiting and running requests of the service, and waiting per pod (what the HPA compares with its target of ${target.queueTarget}).`
                : "Waiting and running requests of the service, and waiting per pod.",
            { x: 0, y: 16, w: 12, h: 8 },
            [
                [`sum(${waiting}${m})`, "waiting (total)"],
                [`sum(${running}${m})`, "running (total)"],
                [`sum(${waiting}${m}) / count(count by (pod) (${waiting}${m}))`, "waiting per pod"],
                ...(target.hpaName
                    ? [[`max(${KSM.hpaSpecTargetMetric}${selector(sel.hpa, [`metric_name="${waiting}"`])})`, "HPA target per pod"] as [string, string]]
                    : []),
            ],
            { unit: "short", min: 0, ...(target.hpaName ? thresholdLine(target.queueTarget, "orange") : {}) },
        ),
        panel(
            "Replicas",
            target.hpaName
                ? `HPA ${target.hpaName}: current and desired replicas against min and max; available replicas of deployment ${target.deploymentName}.`
                : `Available replicas of deployment ${target.deploymentName} (autoscaling is off).`,
            { x: 12, y: 16, w: 12, h: 8 },
            [
                ...(target.hpaName
                    ? ([
                          [`max(${KSM.hpaCurrentReplicas}${hpa})`, "current"],
                          [`max(${KSM.hpaDesiredReplicas}${hpa})`, "desired"],
                          [`max(${KSM.hpaMinReplicas}${hpa})`, "min"],
                          [`max(${KSM.hpaMaxReplicas}${hpa})`, "max"],
                      ] as Array<[string, string]>)
                    : []),
                [`max(${KSM.deploymentReplicasAvailable}${selector({ namespace: target.namespace, deployment: target.deploymentName })})`, "available"],
            ],
            { unit: "short", min: 0, decimals: 0 },
        ),
        panel(
            "KV-cache usage",
            "Fraction of KV-cache blocks in use per pod (vllm:kv_cache_usage_perc); near 1 vLLM preempts requests, shown as preemptions/s.",
            { x: 0, y: 24, w: 8, h: 8 },
            [
                [`max by (pod) (${VLLM.kvCacheUsage.name}${m})`, "{{pod}}"],
                [`sum(rate(${preemptTotal}${m}[${ri}]))`, "preemptions /s"],
            ],
            { unit: "percentunit", min: 0 },
        ),
        panel(
            "Tokens per second",
            "Prompt (prefill) and generated (decode) tokens per second across all replicas.",
            { x: 8, y: 24, w: 8, h: 8 },
            [
                [`sum(rate(${promptTotal}${m}[${ri}]))`, "prompt tokens/s"],
                [`sum(rate(${genTotal}${m}[${ri}]))`, "generated tokens/s"],
            ],
            { unit: "short", min: 0 },
        ),
        panel(
            "Saturation: running / (running + waiting)",
            "1 means every request is being served; lower means requests queue (the recipe's saturation view).",
            { x: 16, y: 24, w: 8, h: 8 },
            [[`sum(${running}${m}) / (sum(${running}${m}) + sum(${waiting}${m}))`, "saturation"]],
            { unit: "percentunit", min: 0, max: 1 },
        ),
    ];

    return {
        uid: dashboardUid(target),
        title: `vLLM ${target.namespace}/${target.serviceName}`,
        tags: ["vllm", "slo", target.namespace],
        timezone: "browser",
        schemaVersion: 39,
        version: 1,
        editable: true,
        refresh: "30s",
        time: { from: "now-6h", to: "now" },
        templating: {
            list: [{ name: "datasource", label: "Data source", type: "datasource", query: "prometheus", current: {}, hide: 0 }],
        },
        annotations: { list: [] },
        panels,
    };
}

/** The dashboard as the JSON text Grafana imports. */
export function renderDashboardJson(slo: ResolvedSlo, target: SloTarget): string {
    return JSON.stringify(buildDashboard(slo, target), null, 2);
}

/** Every PromQL expression of a dashboard. */
export function dashboardExpressions(d: GrafanaDashboard): string[] {
    return d.panels.flatMap((p) => p.targets.map((t) => t.expr));
}

/** Every metric (series) name the given PromQL expressions reference, sorted and unique. */
export function referencedMetricNames(exprs: string[]): string[] {
    return [...new Set(exprs.flatMap(metricNamesIn))].sort();
}

/**
 * The ConfigMap the Grafana sidecar loads: labels `grafanaDashboardLabels`, namespace
 * `grafanaDashboardNamespace` or the service's, one key `<uid>.json`.
 */
export function buildDashboardConfigMap(slo: ResolvedSlo, target: SloTarget, labels: Record<string, string> = {}): ConfigMapObject {
    const uid = dashboardUid(target);
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
            name: `${target.serviceName}-dashboard`,
            namespace: slo.grafanaDashboardNamespace ?? target.namespace,
            labels: { ...labels, ...slo.grafanaDashboardLabels },
        },
        data: { [`${uid}.json`]: renderDashboardJson(slo, target) },
    };
}
