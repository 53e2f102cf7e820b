/**
 * Facts about the custom-metrics adapter: its APIService, what it lists and serves, and its
 * command line (on a real cluster, from the Deployment behind the APIService's Service).
 */
import type { V1APIResourceList, V1APIService, V1Deployment, V1Service } from "@kubernetes/client-node";
import { matchesSelector } from "@vllm-pulumi/kube-parser";
import { CUSTOM_METRICS_APISERVICE, ApiServiceFacts } from "../links/apiService";
import { AdapterListsFacts } from "../links/adapterLists";
import { KubeReader, firstLine, statusMessage } from "../readers/kube";
import { QUEUE_METRIC } from "../types";

const API = "/apis/custom.metrics.k8s.io/v1beta1";

export async function readApiService(kube: KubeReader): Promise<{ facts: ApiServiceFacts; object?: V1APIService }> {
    const a = await kube.get<V1APIService>(`/apis/apiregistration.k8s.io/v1/apiservices/${CUSTOM_METRICS_APISERVICE}`);
    if (!a) return { facts: { found: false } };
    const c = a.status?.conditions?.find((x) => x.type === "Available");
    const svc = a.spec?.service;
    return {
        object: a,
        facts: {
            found: true,
            service: svc?.name && svc.namespace ? { namespace: svc.namespace, name: svc.name } : undefined,
            available: c ? { status: c.status, reason: c.reason, message: c.message } : undefined,
        },
    };
}

export async function adapterListsFacts(kube: KubeReader, namespace: string, timingBroken: boolean): Promise<AdapterListsFacts> {
    const f: AdapterListsFacts = { namespace, timingBroken };
    try {
        const r = await kube.raw(API);
        if (r.status !== 200) f.discoveryError = `HTTP ${r.status} ${statusMessage(r.body)}`;
        else f.resources = ((JSON.parse(r.body) as V1APIResourceList).resources ?? []).map((x) => x.name);
    } catch (e) {
        f.discoveryError = firstLine(e);
    }
    try {
        const r = await kube.raw(`${API}/namespaces/${encodeURIComponent(namespace)}/pods/*/${QUEUE_METRIC}`);
        if (r.status !== 200) f.valuesError = `HTTP ${r.status} ${statusMessage(r.body)}`;
        else {
            const items = (JSON.parse(r.body) as { items?: { describedObject?: { name?: string }; value?: string }[] }).items ?? [];
            f.values = items.map((i) => ({ pod: i.describedObject?.name ?? "?", value: String(i.value) }));
        }
    } catch (e) {
        f.valuesError = firstLine(e);
    }
    return f;
}

/** Metric names the adapter serves for pods (`pods/<name>` resources). */
export function servedPodsMetrics(resources: string[] | undefined): string[] | undefined {
    return resources?.filter((r) => r.startsWith("pods/")).map((r) => r.slice("pods/".length));
}

/**
 * The adapter's command line on a real cluster: the APIService's Service -> its selector -> the
 * Deployment whose pods it selects -> the adapter container's command + args. A reason instead
 * when any step cannot be read.
 */
export async function adapterArgsFromCluster(kube: KubeReader, api: V1APIService | undefined): Promise<{ args?: string[]; source: string; unreadable?: string }> {
    const ref = api?.spec?.service;
    if (!api) return { source: "the adapter", unreadable: `APIService ${CUSTOM_METRICS_APISERVICE} does not exist` };
    if (!ref?.name || !ref.namespace) return { source: "the adapter", unreadable: `APIService ${CUSTOM_METRICS_APISERVICE} names no Service (served in-process)` };
    const where = `Service ${ref.namespace}/${ref.name}`;
    try {
        const svc = await kube.get<V1Service>(`/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/services/${encodeURIComponent(ref.name)}`);
        if (!svc) return { source: "the adapter", unreadable: `${where} does not exist` };
        const sel = svc.spec?.selector;
        if (!sel || Object.keys(sel).length === 0) return { source: "the adapter", unreadable: `${where} has no selector (its endpoints are managed by hand)` };
        const list = await kube.must<{ items: V1Deployment[] }>(`/apis/apps/v1/namespaces/${encodeURIComponent(ref.namespace)}/deployments`, "deployments");
        const d = list.items.find((x) => matchesSelector({ matchLabels: sel }, x.spec?.template?.metadata?.labels ?? {}));
        if (!d) return { source: "the adapter", unreadable: `no Deployment in ${ref.namespace} runs the pods of ${where}` };
        const containers = d.spec?.template?.spec?.containers ?? [];
        const c = containers.find((x) => [...(x.command ?? []), ...(x.args ?? [])].some((a) => a.includes("metrics-relist-interval"))) ?? containers.find((x) => /adapter/.test(x.name)) ?? containers[0];
        if (!c) return { source: "the adapter", unreadable: `Deployment ${ref.namespace}/${d.metadata?.name} has no containers` };
        return { args: [...(c.command ?? []), ...(c.args ?? [])], source: `Deployment ${ref.namespace}/${d.metadata?.name} container ${c.name}` };
    } catch (e) {
        return { source: "the adapter", unreadable: `cannot read its Deployment behind ${where}: ${firstLine(e)}` };
    }
}
