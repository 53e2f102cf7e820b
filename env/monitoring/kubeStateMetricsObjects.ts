/**
 * How Prometheus finds kube-state-metrics running as a process of the local environment: the way
 * the Operator sees a cluster add-on. A selector-less Service `kube-state-metrics` with upstream's
 * port names (examples/standard/service.yaml: http-metrics, telemetry), one hand-made
 * EndpointSlice carrying the process's non-loopback, locally routed address (EndpointSlices reject
 * loopback), and a ServiceMonitor with the label the environment's Prometheus selects.
 * `honorLabels: true` on the main endpoint, as in kube-prometheus: KSM's own `namespace` label
 * (the HPA's namespace) must win over the target's (`monitoring`), or the SLO rules' joins on
 * `namespace` never match.
 */
import * as net from "net";
import { MANAGED_BY } from "./adapterRegistration";
import { KubeObject } from "./kube";

export const KSM_NAME = "kube-state-metrics";
export const KSM_PORT_NAMES = { metrics: "http-metrics", telemetry: "telemetry" } as const;
/** Upstream's Service ports; the EndpointSlice carries the ports the process really listens on. */
const SERVICE_PORTS = { metrics: 8080, telemetry: 8081 } as const;
const APP_LABELS = { "app.kubernetes.io/name": KSM_NAME, "app.kubernetes.io/managed-by": MANAGED_BY };

export interface KsmRegistration {
    namespace: string;
    serviceName: string;
    address: string;
    ports: { metrics: number; telemetry: number };
    /** Labels the environment's Prometheus selects ServiceMonitors by (e.g. `release: kube-prom`). */
    selectorLabels: Record<string, string>;
    /** ServiceMonitor endpoint interval (Prometheus duration); unset = the Prometheus object's. */
    scrapeInterval?: string;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const DURATION = /^(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;

/** Kubernetes' label key rule (optional DNS-subdomain prefix of at most 253 characters, then a name). */
function validLabelKey(key: string): boolean {
    const slash = key.lastIndexOf("/");
    const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
    if (prefix !== undefined && (prefix.length > 253 || !LABEL_PREFIX.test(prefix))) return false;
    return LABEL_NAME.test(name);
}

/** Rejects an address an EndpointSlice cannot carry (k8s ValidateEndpointIP) before anything starts. */
export function validateKsmAddress(address: string): void {
    if (!net.isIPv4(address)) throw new Error(`kube-state-metrics address must be an IPv4 address, got ${JSON.stringify(address)}`);
    const [a, b] = address.split(".").map(Number);
    if (a === 127) throw new Error(`kube-state-metrics address ${address} is loopback: EndpointSlices reject it; use a locally routed range such as 10.250.0.0/24`);
    if (a === 0 || (a === 169 && b === 254) || a >= 224) {
        throw new Error(`kube-state-metrics address ${address} is unspecified, link-local or multicast: EndpointSlices reject it`);
    }
}

/** Every input check, so bad input fails before a process starts or an object is created. */
export function validateKsmRegistration(r: Omit<KsmRegistration, "ports">): void {
    validateKsmAddress(r.address);
    for (const [what, v] of [["namespace", r.namespace], ["service name", r.serviceName]]) {
        if (!DNS1123_LABEL.test(v)) throw new Error(`kube-state-metrics ${what} is not a DNS-1123 label: ${JSON.stringify(v)}`);
    }
    const entries = Object.entries(r.selectorLabels);
    if (entries.length === 0) throw new Error("kube-state-metrics selectorLabels is empty: the environment's Prometheus would not select the ServiceMonitor");
    for (const [k, v] of entries) {
        if (!validLabelKey(k)) throw new Error(`kube-state-metrics selectorLabels: invalid label key ${JSON.stringify(k)}`);
        if (typeof v !== "string" || !LABEL_VALUE.test(v)) throw new Error(`kube-state-metrics selectorLabels: invalid value for ${k}: ${JSON.stringify(v)}`);
        if (k in APP_LABELS) throw new Error(`kube-state-metrics selectorLabels: ${k} is set by the environment itself`);
    }
    if (r.scrapeInterval !== undefined && (!DURATION.test(r.scrapeInterval) || !/[1-9]/.test(r.scrapeInterval))) {
        throw new Error(`kube-state-metrics scrapeInterval is not a positive duration like "5s": ${JSON.stringify(r.scrapeInterval)}`);
    }
}

export function ksmService(r: KsmRegistration): KubeObject {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: r.serviceName, namespace: r.namespace, labels: { ...APP_LABELS } },
        // No selector: the EndpointSlice below is ours, not the EndpointSlice controller's.
        spec: {
            ports: (["metrics", "telemetry"] as const).map((p) => ({ name: KSM_PORT_NAMES[p], port: SERVICE_PORTS[p], targetPort: r.ports[p], protocol: "TCP" })),
        },
    };
}

export function ksmEndpointSlice(r: KsmRegistration): KubeObject {
    validateKsmAddress(r.address);
    return {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
            name: `${r.serviceName}-local`,
            namespace: r.namespace,
            labels: { ...APP_LABELS, "kubernetes.io/service-name": r.serviceName, "endpointslice.kubernetes.io/managed-by": MANAGED_BY },
        },
        addressType: "IPv4",
        // Same port names as the Service: Prometheus' endpointslice role and the ServiceMonitor match by name.
        ports: (["metrics", "telemetry"] as const).map((p) => ({ name: KSM_PORT_NAMES[p], port: r.ports[p], protocol: "TCP" })),
        endpoints: [{ addresses: [r.address], conditions: { ready: true } }],
    };
}

export function ksmServiceMonitor(r: KsmRegistration): KubeObject {
    const interval = r.scrapeInterval ? { interval: r.scrapeInterval } : {};
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: r.serviceName, namespace: r.namespace, labels: { ...r.selectorLabels, ...APP_LABELS } },
        spec: {
            selector: { matchLabels: APP_LABELS },
            endpoints: [
                { port: KSM_PORT_NAMES.metrics, honorLabels: true, ...interval },
                { port: KSM_PORT_NAMES.telemetry, ...interval },
            ],
        },
    };
}

/** Everything registered, in creation order (the Namespace first; it is never deleted). */
export function ksmObjects(r: KsmRegistration): KubeObject[] {
    return [{ apiVersion: "v1", kind: "Namespace", metadata: { name: r.namespace } }, ksmService(r), ksmEndpointSlice(r), ksmServiceMonitor(r)];
}

/** References to what ksmObjects creates, in deletion order (the ServiceMonitor first: no scrape of a vanishing target). */
export function ksmRefs(r: Pick<KsmRegistration, "namespace" | "serviceName">): KubeObject[] {
    const meta = (name: string) => ({ name, namespace: r.namespace });
    return [
        { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: meta(r.serviceName) },
        { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: meta(`${r.serviceName}-local`) },
        { apiVersion: "v1", kind: "Service", metadata: meta(r.serviceName) },
    ];
}
