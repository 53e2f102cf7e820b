// @ts-check
"use strict";
/**
 * The objects one VllmService renders with the scale program's settings, built once per process by
 * the component's own builders (bin/components, as the scale program loads them) and handed out per
 * instance with that instance's name and namespace in each object's metadata. Only metadata is
 * changed, so every instance registers objects of the same size and shape as a VllmService's.
 */
const path = require("path");
const repo = path.join(__dirname, "..", "..");

/** @type {Record<string, any> | undefined} */
let once;

function renderOnce() {
    require(path.join(repo, "program-build")).ensureProgramBuilt();
    const component = (/** @type {string} */ m) => require(path.join(repo, "bin", "components", m));
    const { validateArgs } = component("validate");
    const { deploymentArgs } = component("manifests/deployment");
    const { hpaArgs } = component("manifests/hpa");
    const { networkPolicyArgs } = component("manifests/networkPolicy");
    const { apiKeySecretArgs } = component("manifests/secrets");
    const { serviceArgs } = component("manifests/service");
    const { serviceMonitorManifest } = component("manifests/serviceMonitor");
    const { prometheusRuleManifest, sloTarget } = component("manifests/slo");
    const { buildAdapterConfigMap, buildDashboardConfigMap } = component("slo");
    const { adapterTimingFor } = require("@vllm-pulumi/kube-parser");
    // The settings of scripts/bench-scale-program/program.js; the key is replaced per instance.
    const m = validateArgs("vllm-0", {
        namespace: "bench-0", createNamespace: true, model: "Qwen/Qwen2.5-0.5B-Instruct",
        modelRevision: "7ae557604adf67be50417f59c2c2f167def9a775", maxModelLen: 4096, memory: "8Gi", cpuRequest: "2",
        maxReplicas: 2, apiKey: "k".repeat(32),
    });
    const target = sloTarget(m);
    const timing = adapterTimingFor(m.serviceMonitor?.interval ?? "15s");
    return {
        secret: apiKeySecretArgs(m, ""),
        deployment: deploymentArgs(m),
        service: serviceArgs(m),
        networkPolicy: networkPolicyArgs(m, m.networkPolicy),
        serviceMonitor: serviceMonitorManifest(m, m.serviceMonitor),
        prometheusRule: prometheusRuleManifest(m),
        adapterConfigMap: buildAdapterConfigMap(m.slo, target, m.labels, timing),
        dashboardConfigMap: buildDashboardConfigMap(m.slo, target, m.labels),
        hpa: hpaArgs(m, m.autoscaling),
    };
}

/** One instance's copy: the rendered objects with `name` and `namespace` in their metadata. */
function renderedObjects(/** @type {string} */ name, /** @type {string} */ namespace) {
    once ??= renderOnce();
    /** @type {Record<string, any>} */
    const out = {};
    for (const [key, obj] of Object.entries(once)) {
        const objName = String(obj.metadata.name).replace(/^vllm-0/, name);
        out[key] = { ...obj, metadata: { ...obj.metadata, name: objName, namespace } };
    }
    return out;
}

module.exports = { renderedObjects };
