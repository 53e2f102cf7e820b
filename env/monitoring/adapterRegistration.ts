/**
 * How the API server's aggregation layer reaches an adapter process on this machine (notes §3, §9.5):
 * with --enable-aggregator-routing=true the aggregator resolves an APIService's Service through
 * its EndpointSlices (k8s.io/apiserver pkg/util/proxy ResolveEndpoint), and loopback addresses
 * are rejected in EndpointSlices (ValidateEndpointIP). So: a selector-less Service, one hand-made
 * EndpointSlice with the adapter's non-loopback, locally routed address, and the two
 * custom.metrics.k8s.io APIServices trusting the cluster CA (caBundle; never insecureSkipTLSVerify).
 */
import * as net from "net";
import { KubeObject } from "./kube";

export const CUSTOM_METRICS_GROUP = "custom.metrics.k8s.io";
/** Versions prometheus-adapter v0.12.0 serves, with upstream's deploy/manifests priorities. */
export const CUSTOM_METRICS_VERSIONS = [
    { version: "v1beta1", versionPriority: 100 },
    { version: "v1beta2", versionPriority: 200 },
] as const;
/**
 * Marks what the local environment created; also the EndpointSlice's managed-by (anything but the
 * EndpointSlice controller's own name, so the controller leaves the slice alone).
 */
export const MANAGED_BY = "vllm-pulumi-env";
const SERVICE_PORT = 443;
const PORT_NAME = "https";

export interface RegistrationOptions {
    namespace: string;
    serviceName: string;
    /** The adapter's listen address: IPv4, not loopback, routed to this machine. */
    address: string;
    port: number;
    /** PEM of the CA that signed the adapter's serving certificate. */
    caPem: string;
}

/** Rejects addresses an EndpointSlice cannot carry (k8s ValidateEndpointIP) before anything is created. */
export function validateAdapterAddress(address: string): void {
    if (!net.isIPv4(address)) throw new Error(`adapter address must be an IPv4 address, got ${JSON.stringify(address)}`);
    const [a, b] = address.split(".").map(Number);
    if (a === 127) throw new Error(`adapter address ${address} is loopback: EndpointSlices reject it; use a locally routed range`);
    if (a === 0 || (a === 169 && b === 254) || a >= 224) {
        throw new Error(`adapter address ${address} is unspecified, link-local or multicast: EndpointSlices reject it`);
    }
}

function sliceName(serviceName: string): string {
    return `${serviceName}-local`;
}

export function adapterService(o: RegistrationOptions): KubeObject {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: o.serviceName, namespace: o.namespace, labels: { "app.kubernetes.io/managed-by": MANAGED_BY } },
        // No selector: the EndpointSlice below is ours, not the controller's.
        spec: { ports: [{ name: PORT_NAME, port: SERVICE_PORT, targetPort: o.port, protocol: "TCP" }] },
    };
}

export function adapterEndpointSlice(o: RegistrationOptions): KubeObject {
    validateAdapterAddress(o.address);
    return {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
            name: sliceName(o.serviceName),
            namespace: o.namespace,
            labels: {
                "kubernetes.io/service-name": o.serviceName,
                "endpointslice.kubernetes.io/managed-by": MANAGED_BY,
                "app.kubernetes.io/managed-by": MANAGED_BY,
            },
        },
        addressType: "IPv4",
        // Same port *name* as the Service port: the resolver matches by name.
        ports: [{ name: PORT_NAME, port: o.port, protocol: "TCP" }],
        endpoints: [{ addresses: [o.address], conditions: { ready: true } }],
    };
}

export function apiServices(o: RegistrationOptions): KubeObject[] {
    const caBundle = Buffer.from(o.caPem, "utf8").toString("base64");
    return CUSTOM_METRICS_VERSIONS.map(({ version, versionPriority }) => ({
        apiVersion: "apiregistration.k8s.io/v1",
        kind: "APIService",
        metadata: { name: `${version}.${CUSTOM_METRICS_GROUP}`, labels: { "app.kubernetes.io/managed-by": MANAGED_BY } },
        spec: {
            group: CUSTOM_METRICS_GROUP,
            version,
            service: { name: o.serviceName, namespace: o.namespace, port: SERVICE_PORT },
            caBundle,
            groupPriorityMinimum: 100,
            versionPriority,
        },
    }));
}

/** Every object of the registration, in creation order (delete in reverse). */
export function registrationObjects(o: RegistrationOptions): KubeObject[] {
    return [
        { apiVersion: "v1", kind: "Namespace", metadata: { name: o.namespace } },
        adapterService(o),
        adapterEndpointSlice(o),
        ...apiServices(o),
    ];
}

/** References (kind, name, namespace) of what registrationObjects creates, in deletion order; no Namespace. */
export function registrationRefs(r: Pick<RegistrationOptions, "namespace" | "serviceName">): KubeObject[] {
    return [
        ...CUSTOM_METRICS_VERSIONS.map(({ version }) => ({
            apiVersion: "apiregistration.k8s.io/v1",
            kind: "APIService",
            metadata: { name: `${version}.${CUSTOM_METRICS_GROUP}` },
        })),
        { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: sliceName(r.serviceName), namespace: r.namespace } },
        { apiVersion: "v1", kind: "Service", metadata: { name: r.serviceName, namespace: r.namespace } },
    ];
}
