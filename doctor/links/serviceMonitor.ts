/**
 * Link 3: a Prometheus selects the ServiceMonitor of the Service (its serviceMonitorSelector and
 * serviceMonitorNamespaceSelector against the ServiceMonitor's labels and namespace), and its
 * targets are up in that Prometheus (/api/v1/targets).
 */
import { LabelSelector, formatSelector, matchesSelector } from "@vllm-pulumi/kube-parser";
import { PrometheusFact, selecting, wantedLabels, whyNotSelected } from "../operatorSelection";
import { Verdict } from "../types";

export interface MonitorFact {
    name: string;
    labels: Record<string, string>;
    selector?: LabelSelector;
    namespaceSelector?: { any?: boolean; matchNames?: string[] };
    endpointPorts: string[];
    /** endpoints[].path of the first endpoint, when set (default /metrics). */
    endpointPath?: string;
    /** endpoints[].interval of the first endpoint, when set. */
    interval?: string;
}

export interface TargetFact {
    scrapePool: string;
    scrapeUrl: string;
    health: string;
    lastError: string;
}

export interface ServiceMonitorFacts {
    namespace: string;
    namespaceLabels: Record<string, string>;
    service: string;
    serviceLabels: Record<string, string>;
    /** ServiceMonitors in the Service's namespace. */
    monitors: MonitorFact[];
    /** Every Prometheus in the cluster; undefined with `prometheusesError` when they cannot be listed. */
    prometheuses?: PrometheusFact[];
    prometheusesError?: string;
    targets?: TargetFact[];
    targetsError?: string;
}

/** Whether a ServiceMonitor in `monitorNs` selects a Service in `serviceNs` with these labels. */
export function monitorSelectsService(m: MonitorFact, monitorNs: string, serviceNs: string, serviceLabels: Record<string, string>): boolean {
    const ns = m.namespaceSelector;
    const inNamespace = ns?.any ? true : ns?.matchNames?.length ? ns.matchNames.includes(serviceNs) : monitorNs === serviceNs;
    return inNamespace && matchesSelector(m.selector ?? {}, serviceLabels);
}

/** The ServiceMonitor scraping the Service, if any (the first that selects it). */
export function monitorOf(f: Pick<ServiceMonitorFacts, "monitors" | "namespace" | "serviceLabels">): MonitorFact | undefined {
    return f.monitors.find((m) => monitorSelectsService(m, f.namespace, f.namespace, f.serviceLabels));
}

function labelsText(l: Record<string, string>): string {
    return Object.entries(l).map(([k, v]) => `${k}=${v}`).join(",") || "none";
}

export function judgeServiceMonitor(f: ServiceMonitorFacts): Verdict {
    const m = monitorOf(f);
    if (!m) {
        return {
            status: "broken",
            detail: `no ServiceMonitor in ${f.namespace} selects Service ${f.service} (labels ${labelsText(f.serviceLabels)}); ServiceMonitors there: ${f.monitors.map((x) => `${x.name} (${formatSelector(x.selector)})`).join(", ") || "none"}`,
            fix: "set serviceMonitorEnabled (the component's default) and pulumi up, or make your ServiceMonitor's selector match the Service's labels",
        };
    }
    const ref = `ServiceMonitor ${f.namespace}/${m.name}`;
    if (!f.prometheuses) {
        return {
            status: "broken",
            detail: `cannot list Prometheus objects (${f.prometheusesError ?? "unknown error"})`,
            fix: "install the Prometheus Operator (its monitoring.coreos.com CRDs and a Prometheus object), or set serviceMonitorEnabled=false and scrape the pods another way",
        };
    }
    if (f.prometheuses.length === 0) {
        return {
            status: "broken",
            detail: `no Prometheus object in the cluster, so nothing reads ${ref}`,
            fix: "create a Prometheus with the Operator (kube-prometheus-stack does) whose serviceMonitorSelector matches the ServiceMonitor's labels",
        };
    }
    const obj = { namespace: f.namespace, labels: m.labels, namespaceLabels: f.namespaceLabels };
    const chosen = selecting(f.prometheuses, "serviceMonitor", obj);
    if (chosen.length === 0) {
        const why = f.prometheuses.map((p) => whyNotSelected(p, "serviceMonitor", obj)).join("; ");
        const wanted = f.prometheuses.map((p) => wantedLabels(p, "serviceMonitor")).find((w) => w !== undefined);
        const fix = wanted
            ? `set the stack's serviceMonitorLabels to ${JSON.stringify(wanted)} (${Object.entries(wanted).map(([k, v]) => `pulumi config set --path 'serviceMonitorLabels.${k}' ${v}`).join("; ")}), then pulumi up; or widen the Prometheus' serviceMonitorSelector/serviceMonitorNamespaceSelector`
            : "make a Prometheus' serviceMonitorSelector and serviceMonitorNamespaceSelector select it (labels, namespace), or label it as your Prometheus selects";
        return { status: "broken", detail: `no Prometheus selects ${ref} (labels ${labelsText(m.labels)}): ${why}`, fix };
    }
    const by = chosen.map((p) => `${p.namespace}/${p.name}`).join(", ");
    if (!f.targets) {
        return { status: "ok", detail: `selected by Prometheus ${by}; targets not checked (${f.targetsError ?? "no Prometheus to ask"})` };
    }
    const pool = `serviceMonitor/${f.namespace}/${m.name}/`;
    const mine = f.targets.filter((t) => t.scrapePool.startsWith(pool));
    if (mine.length === 0) {
        return {
            status: "broken",
            detail: `selected by Prometheus ${by}, but it has no target for ${ref}`,
            fix: `the Operator reloads Prometheus within about a minute of a change: wait, then check the Service has endpoints (kubectl -n ${f.namespace} get endpointslices -l kubernetes.io/service-name=${f.service}) and the endpoint port name (${m.endpointPorts.join(", ")})`,
        };
    }
    const down = mine.filter((t) => t.health !== "up");
    if (down.length > 0) {
        return {
            status: "broken",
            detail: `${down.length}/${mine.length} targets of ${ref} are ${down[0].health} (${down[0].scrapeUrl}: ${down[0].lastError || "no scrape yet"})`,
            fix: "Prometheus cannot scrape the pods: allow the monitoring namespace in the NetworkPolicy (networkPolicy config), check the port and that /metrics answers",
        };
    }
    return { status: "ok", detail: `${ref} selected by Prometheus ${by}; ${mine.length}/${mine.length} targets up` };
}
