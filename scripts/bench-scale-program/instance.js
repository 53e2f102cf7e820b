// @ts-check
"use strict";
/**
 * One instance of the scale program, shared by the program itself (program.js), the in-process
 * profile (profile-instance.js) and the floor program's rendered objects (bench/scale-floor-program):
 * its args (the dev stack's settings), and every object the component builds from them, by the
 * component's own builders (bin/components; the caller has run ensureProgramBuilt).
 */
const path = require("path");
const repo = path.join(__dirname, "..", "..");

/** The args of instance `i`. */
const instanceArgs = (/** @type {number} */ i, /** @type {any} */ apiKey) => ({
    namespace: `bench-${i}`,
    createNamespace: true,
    model: "Qwen/Qwen2.5-0.5B-Instruct",
    modelRevision: "7ae557604adf67be50417f59c2c2f167def9a775",
    maxModelLen: 4096,
    memory: "8Gi",
    cpuRequest: "2",
    maxReplicas: 2,
    apiKey,
});

const component = (/** @type {string} */ m) => require(path.join(repo, "bin", "components", m));

/**
 * Validates instance `i`'s args and builds every object the component would (an object the
 * settings turn off is left out); `secretValue` is the API key the Secret's args carry.
 * @returns {Record<string, any>}
 */
function renderInstance(/** @type {number} */ i, /** @type {string} */ secretValue) {
    const { validateArgs } = component("validate");
    const { deploymentArgs } = component("manifests/deployment");
    const { hpaArgs } = component("manifests/hpa");
    const { networkPolicyArgs } = component("manifests/networkPolicy");
    const { apiKeySecretArgs } = component("manifests/secrets");
    const { serviceArgs } = component("manifests/service");
    const { serviceMonitorManifest } = component("manifests/serviceMonitor");
    const { prometheusRuleManifest, sloTarget } = component("manifests/slo");
    const { buildAdapterConfigMap, buildDashboardConfigMap, renderAdapterConfigYaml } = component("slo");
    const { adapterTimingFor } = require("@vllm-pulumi/kube-parser");
    const m = validateArgs(`vllm-${i}`, instanceArgs(i, "k".repeat(32)));
    const target = sloTarget(m);
    const timing = adapterTimingFor(m.serviceMonitor?.interval ?? "15s");
    const objects = {
        secret: apiKeySecretArgs(m, secretValue),
        deployment: deploymentArgs(m),
        service: serviceArgs(m),
        networkPolicy: m.networkPolicy ? networkPolicyArgs(m, m.networkPolicy) : undefined,
        serviceMonitor: m.serviceMonitor ? serviceMonitorManifest(m, m.serviceMonitor) : undefined,
        prometheusRule: prometheusRuleManifest(m),
        adapterConfigMap: buildAdapterConfigMap(m.slo, target, m.labels, timing),
        dashboardConfigMap: buildDashboardConfigMap(m.slo, target, m.labels),
        hpa: m.autoscaling ? hpaArgs(m, m.autoscaling) : undefined,
    };
    renderAdapterConfigYaml(target, timing); // the component's adapterRules output
    return Object.fromEntries(Object.entries(objects).filter(([, o]) => o !== undefined));
}

module.exports = { instanceArgs, renderInstance };
