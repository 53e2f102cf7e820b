/**
 * Facts about scraping and rules: the ServiceMonitors and PrometheusRules of the namespace, every
 * `Prometheus` object of the Operator (its selectors), and what that Prometheus reports (targets,
 * series, loaded rule groups).
 */
import type { V1Namespace } from "@kubernetes/client-node";
import { LabelSelector } from "@vllm-pulumi/kube-parser";
import { PrometheusRuleFacts, RuleObjectFact } from "../links/prometheusRule";
import { SeriesFacts } from "../links/series";
import { MonitorFact, ServiceMonitorFacts, monitorOf } from "../links/serviceMonitor";
import { PrometheusFact, selecting } from "../operatorSelection";
import { KubeReader, firstLine } from "../readers/kube";
import { PromReader } from "../readers/prometheus";
import { QUEUE_METRIC } from "../types";

const MONITORING = "/apis/monitoring.coreos.com/v1";

interface Meta {
    metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}
interface ServiceMonitorObject extends Meta {
    spec?: { selector?: LabelSelector; namespaceSelector?: { any?: boolean; matchNames?: string[] }; endpoints?: { port?: string; path?: string; interval?: string }[] };
}
interface PrometheusObject extends Meta {
    spec?: Omit<PrometheusFact, "namespace" | "name"> & { scrapeInterval?: string };
}
interface PrometheusRuleObject extends Meta {
    spec?: { groups?: { name: string }[] };
}

/** What the Operator defaults a Prometheus' scrapeInterval to when unset. */
export const OPERATOR_DEFAULT_SCRAPE = "30s";

export interface MonitoringObjects {
    namespaceLabels: Record<string, string>;
    monitors: MonitorFact[];
    prometheuses?: (PrometheusFact & { scrapeInterval?: string })[];
    prometheusesError?: string;
}

export async function readMonitoringObjects(kube: KubeReader, namespace: string, ns?: V1Namespace): Promise<MonitoringObjects> {
    const namespaceLabels = ns?.metadata?.labels ?? {};
    let monitors: MonitorFact[] = [];
    try {
        const list = await kube.get<{ items: ServiceMonitorObject[] }>(`${MONITORING}/namespaces/${encodeURIComponent(namespace)}/servicemonitors`);
        monitors = (list?.items ?? []).map((m) => ({
            name: m.metadata.name,
            labels: m.metadata.labels ?? {},
            selector: m.spec?.selector,
            namespaceSelector: m.spec?.namespaceSelector,
            endpointPorts: (m.spec?.endpoints ?? []).map((e) => e.port ?? ""),
            endpointPath: m.spec?.endpoints?.[0]?.path,
            interval: m.spec?.endpoints?.[0]?.interval,
        }));
    } catch {
        /* no CRD or no permission: judged as "no ServiceMonitor" below, with the Prometheus list's error */
    }
    try {
        const list = await kube.get<{ items: PrometheusObject[] }>(`${MONITORING}/prometheuses`);
        if (!list) return { namespaceLabels, monitors, prometheusesError: "the monitoring.coreos.com/v1 Prometheus CRD is not installed" };
        const prometheuses = list.items.map((p) => ({ ...(p.spec ?? {}), namespace: p.metadata.namespace ?? "", name: p.metadata.name }));
        return { namespaceLabels, monitors, prometheuses };
    } catch (e) {
        return { namespaceLabels, monitors, prometheusesError: firstLine(e) };
    }
}

/** The Prometheus objects that select the Service's ServiceMonitor (for the proxy fallback and the scrape interval). */
export function selectingPrometheuses(o: MonitoringObjects, namespace: string, serviceLabels: Record<string, string>) {
    const m = monitorOf({ monitors: o.monitors, namespace, serviceLabels });
    if (!m || !o.prometheuses) return [];
    return selecting(o.prometheuses, "serviceMonitor", { namespace, labels: m.labels, namespaceLabels: o.namespaceLabels }) as (PrometheusFact & { scrapeInterval?: string })[];
}

export async function serviceMonitorFacts(
    o: MonitoringObjects,
    base: { namespace: string; service: string; serviceLabels: Record<string, string> },
    prom: PromReader | undefined,
    promError: string | undefined,
): Promise<ServiceMonitorFacts> {
    const facts: ServiceMonitorFacts = { ...base, namespaceLabels: o.namespaceLabels, monitors: o.monitors, prometheuses: o.prometheuses, prometheusesError: o.prometheusesError };
    if (!prom) return { ...facts, targetsError: promError };
    try {
        return { ...facts, targets: await prom.targets() };
    } catch (e) {
        return { ...facts, targetsError: firstLine(e) };
    }
}

export async function seriesFacts(namespace: string, prom: PromReader | undefined, promError: string | undefined): Promise<SeriesFacts> {
    if (!prom) return { namespace, error: promError };
    try {
        const inNamespace = (await prom.query(`${QUEUE_METRIC}{namespace=${JSON.stringify(namespace)}}`)).map((s) => s.labels);
        const withoutNamespace = inNamespace.length ? [] : (await prom.query(`${QUEUE_METRIC}{namespace=""}`)).map((s) => s.labels);
        return { namespace, inNamespace, withoutNamespace };
    } catch (e) {
        return { namespace, error: firstLine(e) };
    }
}

export async function prometheusRuleFacts(kube: KubeReader, o: MonitoringObjects, namespace: string, prom: PromReader | undefined, promError: string | undefined): Promise<PrometheusRuleFacts> {
    const facts: PrometheusRuleFacts = { namespace, namespaceLabels: o.namespaceLabels, prometheuses: o.prometheuses };
    try {
        const list = await kube.get<{ items: PrometheusRuleObject[] }>(`${MONITORING}/namespaces/${encodeURIComponent(namespace)}/prometheusrules`);
        if (!list) return { ...facts, rulesObjectsError: "the PrometheusRule CRD is not installed" };
        facts.rules = list.items.map((r): RuleObjectFact => ({ name: r.metadata.name, labels: r.metadata.labels ?? {}, groups: (r.spec?.groups ?? []).map((g) => g.name) }));
    } catch (e) {
        return { ...facts, rulesObjectsError: firstLine(e) };
    }
    if (!prom) return { ...facts, loadedError: promError };
    try {
        const groups = await prom.ruleGroups();
        facts.loaded = groups.map((g) => ({
            name: g.name,
            file: g.file,
            unhealthy: g.rules.filter((r) => r.health === "err").map((r) => `${r.name}: ${r.lastError ?? "error"}`),
        }));
    } catch (e) {
        facts.loadedError = firstLine(e);
    }
    return facts;
}
