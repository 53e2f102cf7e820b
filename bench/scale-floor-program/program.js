// @ts-check
"use strict";
/**
 * `npm run bench`'s per-instance floors: `instances` components, each registering the same 11
 * resources as one VllmService with the dev stack's settings (the component, Namespace, API-key
 * Secret, Deployment, Service, NetworkPolicy, ServiceMonitor, PrometheusRule, adapter and dashboard
 * ConfigMaps, HPA) in the same shape (children of a ComponentResource that wait on the secret input
 * and the namespace), without running the component's code per instance. Config `objects`:
 *   - "minimal": minimal specs (about 2 KB per instance): what one more instance costs a preview is
 *     the engine's, SDK's and provider's price of 11 registrations, the floor for any component;
 *   - "rendered": the objects one VllmService renders (about 49 KB, mostly the PrometheusRule and the
 *     dashboard), rendered once per process and registered again per instance under its own name and
 *     namespace: the floor plus the cost of their size, so VllmService minus this is our per-instance code.
 */
const path = require("path");
const repo = path.join(__dirname, "..", "..");
// Started like the scale program (scripts/bench-scale-program/program.js): same deferred SDK modules.
require("@vllm-pulumi/kube-parser/defer-sdk-modules").deferSdkModules(repo);
require("@vllm-pulumi/kube-parser/sdk-promise-stacks").plainSdkPromiseStacks();
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");
const { renderedObjects } = require("./renderedObjects");

const config = new pulumi.Config();
const instances = config.requireNumber("instances");
const mode = config.get("objects") ?? "minimal";
if (mode !== "minimal" && mode !== "rendered") {
    throw new Error(`config objects: "minimal" or "rendered", got ${JSON.stringify(mode)}`);
}
const apiKey = config.requireSecret("apiKey");

/** @param {string} name @param {string} namespace */
function minimalObjects(name, namespace) {
    const labels = { app: name };
    const meta = (n = name) => ({ name: n, namespace, labels });
    return {
        secret: { metadata: meta(`${name}-api-key`), stringData: { key: "" } },
        deployment: {
            metadata: meta(),
            spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: "c", image: "x" }] } } },
        },
        service: { metadata: meta(), spec: { selector: labels, ports: [{ port: 8000 }] } },
        networkPolicy: { metadata: meta(), spec: { podSelector: { matchLabels: labels } } },
        serviceMonitor: { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: meta(), spec: { selector: { matchLabels: labels }, endpoints: [{ port: "http" }] } },
        prometheusRule: { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: meta(`${name}-slo`), spec: { groups: [] } },
        adapterConfigMap: { metadata: meta(`${name}-adapter-rules`), data: { "rules.yaml": "rules: []" } },
        dashboardConfigMap: { metadata: meta(`${name}-dashboard`), data: { "dashboard.json": "{}" } },
        hpa: { metadata: meta(), spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name }, maxReplicas: 2 } },
    };
}

class Floor extends pulumi.ComponentResource {
    /** @param {string} name @param {string} namespace */
    constructor(name, namespace) {
        super("bench:index:Floor", name, {}, {});
        const o = mode === "minimal" ? minimalObjects(name, namespace) : renderedObjects(name, namespace);
        // Like VllmService: every child waits for the secret input, namespaced ones for the namespace.
        const gate = apiKey.apply(() => []);
        const namespaceResource = new k8s.core.v1.Namespace(name, { metadata: { name: namespace } }, { parent: this, dependsOn: gate });
        const opts = { parent: this, dependsOn: gate.apply(() => [namespaceResource]) };
        const secret = new k8s.core.v1.Secret(`${name}-api-key`, { ...o.secret, stringData: { key: pulumi.secret(apiKey) } }, opts);
        const deployment = new k8s.apps.v1.Deployment(name, o.deployment, { parent: this, dependsOn: gate.apply(() => [namespaceResource, secret]) });
        const service = new k8s.core.v1.Service(name, o.service, opts);
        new k8s.networking.v1.NetworkPolicy(name, o.networkPolicy, opts);
        new k8s.apiextensions.CustomResource(name, o.serviceMonitor, opts);
        new k8s.apiextensions.CustomResource(`${name}-slo`, o.prometheusRule, opts);
        new k8s.core.v1.ConfigMap(`${name}-adapter-rules`, o.adapterConfigMap, opts);
        new k8s.core.v1.ConfigMap(`${name}-dashboard`, o.dashboardConfigMap, opts);
        const hpa = new k8s.autoscaling.v2.HorizontalPodAutoscaler(name, o.hpa, { parent: this, dependsOn: gate.apply(() => [deployment]) });
        this.registerOutputs({ service: service.metadata.name, hpa: hpa.metadata.name });
    }
}

for (let i = 0; i < instances; i++) {
    new Floor(`vllm-${i}`, `bench-${i}`);
}
