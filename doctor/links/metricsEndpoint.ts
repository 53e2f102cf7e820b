/** Link 2: `/metrics` answers, with the queue metric, on the Service port the ServiceMonitor names. */
import { QUEUE_METRIC, Verdict } from "../types";

export interface MetricsProbe {
    pod: string;
    /** HTTP status through the API server's pod proxy; undefined when there was no answer. */
    status?: number;
    error?: string;
    hasQueueMetric: boolean;
}

export interface MetricsEndpointFacts {
    namespace: string;
    service: string;
    /** The port the ServiceMonitor scrapes (its endpoints[].port), `http` for the component. */
    portName: string;
    /** Named ports of the Service. */
    servicePorts: string[];
    /** The container port the named Service port leads to, when resolved. */
    containerPort?: number;
    path: string;
    probes: MetricsProbe[];
}

export function judgeMetricsEndpoint(f: MetricsEndpointFacts): Verdict {
    if (!f.servicePorts.includes(f.portName)) {
        return {
            status: "broken",
            detail: `Service ${f.namespace}/${f.service} has no port named "${f.portName}" (named ports: ${f.servicePorts.join(", ") || "none"})`,
            fix: `name the Service port "${f.portName}", or set the ServiceMonitor's endpoints[].port to one of the Service's port names`,
        };
    }
    const where = `${f.path} on port ${f.portName}${f.containerPort ? ` (${f.containerPort})` : ""}`;
    if (f.probes.length === 0) {
        return { status: "not checked", detail: `no pod with an IP to ask for ${where}` };
    }
    const failed = f.probes.filter((p) => p.status !== 200);
    if (failed.length > 0) {
        const list = failed.map((p) => `${p.pod}: ${p.status ? `HTTP ${p.status}` : (p.error ?? "no answer")}`).join("; ");
        return {
            status: "broken",
            detail: `${where} does not answer on ${failed.length}/${f.probes.length} pods (${list})`,
            fix: `the container port named "${f.portName}" must be vLLM's --port (8000) and the server must be up: kubectl -n ${f.namespace} logs ${failed[0].pod}`,
        };
    }
    const missing = f.probes.filter((p) => !p.hasQueueMetric);
    if (missing.length > 0) {
        return {
            status: "broken",
            detail: `${where} answers without ${QUEUE_METRIC} on ${missing.map((p) => p.pod).join(", ")}`,
            fix: "remove --disable-log-stats from extraArgs (it removes every vllm:* metric), and check the image's metric names against components/slo/vllmMetrics.ts",
        };
    }
    return { status: "ok", detail: `${where} answers with ${QUEUE_METRIC} on ${f.probes.length}/${f.probes.length} pods` };
}
