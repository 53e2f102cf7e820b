/**
 * The `Prometheus` object (monitoring.coreos.com/v1) the local environment asks the Operator to
 * reconcile. The Operator turns it into the config Secret and rule ConfigMaps that the
 * out-of-cluster Prometheus then runs (./prometheus.ts).
 */
import { ClusterPki } from "./cluster";
import { KubeObject } from "./kube";

export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}

/** What the VllmService component labels its ServiceMonitor and PrometheusRule with by default. */
export const DEFAULT_MONITOR_SELECTOR: LabelSelector = { matchLabels: { release: "kube-prom" } };
export const PROMETHEUS_VERSION = "v3.13.1";
export const DEFAULT_PROMETHEUS_NAMESPACE = "monitoring";
export const DEFAULT_PROMETHEUS_NAME = "local";

export interface PrometheusObjectOptions {
    namespace: string;
    name: string;
    /** Selects ServiceMonitors (in every namespace), and PrometheusRules unless ruleSelector is given. */
    selector: LabelSelector;
    /** Selects PrometheusRules; `{}` selects every one (a common setup: rules are not opt-in). */
    ruleSelector?: LabelSelector;
    /** API server URL and the client identity Prometheus' Kubernetes service discovery uses. */
    apiserver: { server: string; pki: ClusterPki };
    /** Prometheus duration, e.g. "5s". */
    scrapeInterval: string;
    evaluationInterval: string;
}

const DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

/** Throws on input the CRD would reject later with a less clear message (or accept and misbehave). */
export function validatePrometheusOptions(o: PrometheusObjectOptions): void {
    const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
    if (!dns1123.test(o.namespace)) throw new Error(`Prometheus namespace is not a DNS-1123 label: ${JSON.stringify(o.namespace)}`);
    if (!dns1123.test(o.name)) throw new Error(`Prometheus name is not a DNS-1123 label: ${JSON.stringify(o.name)}`);
    for (const [k, v] of [["scrapeInterval", o.scrapeInterval], ["evaluationInterval", o.evaluationInterval]] as const) {
        if (!DURATION.test(v) || v === "0") throw new Error(`${k} is not a positive Prometheus duration: ${JSON.stringify(v)}`);
    }
    const sel = o.selector;
    if (!sel.matchLabels && !sel.matchExpressions) {
        throw new Error("selector needs matchLabels or matchExpressions (an empty selector would select every ServiceMonitor)");
    }
    if (!/^https:\/\/[^/]+$/.test(o.apiserver.server)) throw new Error(`apiserver URL must be https://host:port, got ${JSON.stringify(o.apiserver.server)}`);
}

/**
 * replicas: 0 on purpose: the real Prometheus is a process on this machine, not a pod. With 1,
 * the StatefulSet controller would create pod `prometheus-<name>-0`, kwok would mark it Running
 * with a pod IP that nothing listens on, and the `prometheus-operated` Service would route to
 * it. With 0 the Operator still writes the config Secret and rule ConfigMaps, which is all the
 * local Prometheus needs (operator ReplicasNumberPtr keeps 0).
 */
export function prometheusObject(o: PrometheusObjectOptions): KubeObject {
    validatePrometheusOptions(o);
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "Prometheus",
        metadata: { name: o.name, namespace: o.namespace, labels: { "app.kubernetes.io/managed-by": "vllm-pulumi-env" } },
        spec: {
            replicas: 0,
            version: PROMETHEUS_VERSION,
            // EndpointSlice discovery: what the controller-manager fills for kwok pods (non-loopback IPs).
            serviceDiscoveryRole: "EndpointSlice",
            serviceMonitorSelector: o.selector,
            serviceMonitorNamespaceSelector: {},
            ruleSelector: o.ruleSelector ?? o.selector,
            ruleNamespaceSelector: {},
            scrapeInterval: o.scrapeInterval,
            evaluationInterval: o.evaluationInterval,
            // Out of cluster there is no service-account token: file paths are copied verbatim into
            // every kubernetes_sd_config (promcfg.go generateK8SSDConfig), so Prometheus reads the
            // local cluster's CA and admin client certificate from the cluster state dir.
            apiserverConfig: {
                host: o.apiserver.server,
                tlsConfig: { caFile: o.apiserver.pki.caCrt, certFile: o.apiserver.pki.adminCrt, keyFile: o.apiserver.pki.adminKey },
            },
        },
    };
}
