/**
 * A Grafana dashboard for one VllmService: the panels an on-call engineer opens first, laid out
 * from ./dashboardRows (content) with ./dashboardPanels (layout) and ./dashboardQueries (PromQL).
 * Pure: returns the dashboard JSON model and its ConfigMap.
 */
import { ConfigMapObject } from "./adapterRule";
import { DashboardPanel, layOut } from "./dashboardPanels";
import { dashboardRows } from "./dashboardRows";
import { metricNamesIn } from "./promql";
import type { ResolvedSlo } from "./settings";
import { SloTarget } from "./target";

export type { DashboardPanel, DashboardTarget } from "./dashboardPanels";

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

export function buildDashboard(slo: ResolvedSlo, target: SloTarget): GrafanaDashboard {
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
        panels: layOut(dashboardRows(slo, target)),
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

/** Name of the dashboard ConfigMap. */
export function dashboardConfigMapName(target: SloTarget): string {
    return `${target.serviceName}-dashboard`;
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
            name: dashboardConfigMapName(target),
            namespace: slo.grafanaDashboardNamespace ?? target.namespace,
            labels: { ...labels, ...slo.grafanaDashboardLabels },
        },
        data: { [`${uid}.json`]: renderDashboardJson(slo, target) },
    };
}
