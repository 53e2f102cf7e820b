/**
 * Facts about the vLLM workload itself, read from the API server: the Deployment's pods, the
 * Service's ports, `/metrics` of each pod through the API server's pod proxy (which also reaches
 * pod IPs that only exist inside the local environment's network namespace: the API server runs
 * there), and the HPA.
 */
import type { V1Deployment, V1Pod, V1Service, V2HorizontalPodAutoscaler } from "@kubernetes/client-node";
import { LabelSelector, formatSelector } from "@vllm-pulumi/kube-parser";
import { HpaFacts } from "../links/hpa";
import { MetricsEndpointFacts, MetricsProbe } from "../links/metricsEndpoint";
import { PodFact, PodsFacts } from "../links/pods";
import { KubeReader, firstLine } from "../readers/kube";
import { QUEUE_METRIC, Target } from "../types";

/** At most this many pods are asked for /metrics (a large Deployment needs no more to find a fault). */
const MAX_PROBES = 5;
const QUEUE_LINE = new RegExp(`^${QUEUE_METRIC.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[{ ]`, "m");

export interface Workload {
    deployment: V1Deployment;
    service: V1Service;
    pods: V1Pod[];
}

/** The Deployment, Service and pods; undefined members mean "not found" (the caller says so). */
export async function readWorkload(kube: KubeReader, t: Target): Promise<{ deployment?: V1Deployment; service?: V1Service; pods: V1Pod[] }> {
    const ns = encodeURIComponent(t.namespace);
    const deployment = await kube.get<V1Deployment>(`/apis/apps/v1/namespaces/${ns}/deployments/${encodeURIComponent(t.deployment)}`);
    const service = await kube.get<V1Service>(`/api/v1/namespaces/${ns}/services/${encodeURIComponent(t.service)}`);
    let pods: V1Pod[] = [];
    const sel = deployment?.spec?.selector as LabelSelector | undefined;
    if (sel) {
        const list = await kube.must<{ items: V1Pod[] }>(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(formatSelector(sel))}`, "pods");
        pods = list.items;
    }
    return { deployment, service, pods };
}

function podFact(p: V1Pod): PodFact {
    const ready = p.status?.conditions?.find((c) => c.type === "Ready");
    const statuses = p.status?.containerStatuses ?? [];
    const waiting = statuses.map((s) => s.state?.waiting?.reason).find((r) => r);
    const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
    const reason = waiting ?? (unready.length ? `container ${unready.join(", ")} not ready` : ready?.message ?? p.status?.phase);
    return {
        name: p.metadata?.name ?? "?",
        ready: ready?.status === "True",
        terminating: Boolean(p.metadata?.deletionTimestamp),
        reason: ready?.status === "True" ? undefined : reason,
        restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    };
}

export function podsFacts(t: Target, w: Workload): PodsFacts {
    return { namespace: t.namespace, deployment: t.deployment, pods: w.pods.map(podFact) };
}

/** The container port a Service's targetPort names (a number, or a container port's name). */
function containerPort(pod: V1Pod, targetPort: number | string | undefined, servicePort: number): number | undefined {
    if (targetPort === undefined) return servicePort;
    if (typeof targetPort === "number" || /^[0-9]+$/.test(targetPort)) return Number(targetPort);
    for (const c of pod.spec?.containers ?? []) {
        const p = c.ports?.find((x) => x.name === targetPort);
        if (p) return p.containerPort;
    }
    return undefined;
}

export async function metricsFacts(kube: KubeReader, t: Target, w: Workload, monitor: { portName: string; path: string }): Promise<MetricsEndpointFacts> {
    const ports = w.service.spec?.ports ?? [];
    const sp = ports.find((p) => p.name === monitor.portName);
    const facts: MetricsEndpointFacts = {
        namespace: t.namespace,
        service: t.service,
        portName: monitor.portName,
        servicePorts: ports.map((p) => p.name).filter((n): n is string => Boolean(n)),
        path: monitor.path,
        probes: [],
    };
    if (!sp) return facts;
    const candidates = w.pods.filter((p) => !p.metadata?.deletionTimestamp && p.status?.podIP).slice(0, MAX_PROBES);
    for (const pod of candidates) {
        const name = pod.metadata?.name ?? "?";
        const port = containerPort(pod, sp.targetPort as number | string | undefined, sp.port);
        facts.containerPort ??= port;
        if (port === undefined) {
            facts.probes.push({ pod: name, error: `no container port named ${sp.targetPort}`, hasQueueMetric: false });
            continue;
        }
        facts.probes.push(await probe(kube, t.namespace, name, port, monitor.path));
    }
    return facts;
}

async function probe(kube: KubeReader, ns: string, pod: string, port: number, metricsPath: string): Promise<MetricsProbe> {
    try {
        const r = await kube.raw(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(pod)}:${port}/proxy${metricsPath}`);
        return { pod, status: r.status, hasQueueMetric: r.status === 200 && QUEUE_LINE.test(r.body), error: r.status === 200 ? undefined : r.body.trim().slice(0, 120) };
    } catch (e) {
        return { pod, error: firstLine(e), hasQueueMetric: false };
    }
}

export async function hpaFacts(kube: KubeReader, t: Target, servedPodsMetrics: string[] | undefined): Promise<HpaFacts> {
    const base: HpaFacts = { namespace: t.namespace, name: t.hpa, found: false, customMetricNames: [], served: servedPodsMetrics };
    if (!t.hpa) return base;
    const h = await kube.get<V2HorizontalPodAutoscaler>(`/apis/autoscaling/v2/namespaces/${encodeURIComponent(t.namespace)}/horizontalpodautoscalers/${encodeURIComponent(t.hpa)}`);
    if (!h) return base;
    const podsMetrics = (h.spec?.metrics ?? []).filter((m) => m.type === "Pods" && m.pods);
    const active = h.status?.conditions?.find((c) => c.type === "ScalingActive");
    const current = h.status?.currentMetrics?.find((m) => m.type === "Pods")?.pods?.current.averageValue;
    const target = podsMetrics[0]?.pods?.target.averageValue;
    return {
        ...base,
        found: true,
        customMetricNames: podsMetrics.map((m) => m.pods!.metric.name),
        scalingActive: active ? { status: active.status, reason: active.reason, message: active.message } : undefined,
        currentValue: current === undefined ? undefined : String(current),
        target: target === undefined ? undefined : String(target),
        currentReplicas: h.status?.currentReplicas,
    };
}
