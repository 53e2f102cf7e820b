/**
 * The program: reads this stack's config (keys declared in Pulumi.yaml), builds one
 * VllmService and exports what clients and operators need. Config is read here only;
 * the component never touches stack config.
 */
import * as pulumi from "@pulumi/pulumi";
import { VllmService } from "./components";

const config = new pulumi.Config();
type Labels = { [key: string]: string };
/** Optional string keys default to "" in Pulumi.yaml (the engine needs a default): "" means unset. */
const optional = (key: string) => config.get(key) || undefined;

const vllm = new VllmService(config.get("name") ?? "vllm-server", {
    namespace: config.get("namespace"),
    createNamespace: config.getBoolean("createNamespace"),
    labels: config.getObject<Labels>("labels"),

    image: config.get("image"),
    model: config.require("model"),
    modelRevision: config.require("modelRevision"),
    servedModelName: config.get("servedModelName"),
    tensorParallelSize: config.getNumber("tensorParallelSize"),
    pipelineParallelSize: config.getNumber("pipelineParallelSize"),
    maxModelLen: config.getNumber("maxModelLen"),
    gpuMemoryUtilization: config.getNumber("gpuMemoryUtilization"),
    extraArgs: config.getObject<string[]>("extraArgs"),

    shmSizeLimit: config.get("shmSizeLimit"),
    cpuRequest: config.get("cpuRequest"),
    memory: config.get("memory"),
    nodeSelector: config.getObject<Labels>("nodeSelector"),
    tolerateGpuTaint: config.getBoolean("tolerateGpuTaint"),
    startupTimeoutSeconds: config.getNumber("startupTimeoutSeconds"),

    hfToken: config.getSecret("hfToken"),
    hfTokenSecretName: optional("hfTokenSecretName"),
    hfTokenSecretKey: config.get("hfTokenSecretKey"),
    apiKeyEnabled: config.getBoolean("apiKeyEnabled"),
    apiKey: config.getSecret("apiKey"),

    networkPolicyEnabled: config.getBoolean("networkPolicyEnabled"),
    allowedNamespaces: config.getObject<string[]>("allowedNamespaces"),
    allowedPodSelectors: config.getObject<Labels[]>("allowedPodSelectors"),
    monitoringNamespace: config.get("monitoringNamespace"),

    serviceMonitorEnabled: config.getBoolean("serviceMonitorEnabled"),
    serviceMonitorLabels: config.getObject<Labels>("serviceMonitorLabels"),
    scrapeInterval: config.get("scrapeInterval"),
    autoscalingEnabled: config.getBoolean("autoscalingEnabled"),
    replicas: config.getNumber("replicas"),
    minReplicas: config.getNumber("minReplicas"),
    maxReplicas: config.getNumber("maxReplicas"),
    queueTarget: config.getNumber("queueTarget"),
    scaleUpPods: config.getNumber("scaleUpPods"),
    scaleUpPeriodSeconds: config.getNumber("scaleUpPeriodSeconds"),
    scaleUpStabilizationSeconds: config.getNumber("scaleUpStabilizationSeconds"),
    scaleDownPods: config.getNumber("scaleDownPods"),
    scaleDownPeriodSeconds: config.getNumber("scaleDownPeriodSeconds"),
    scaleDownStabilizationSeconds: config.getNumber("scaleDownStabilizationSeconds"),

    prometheusRuleEnabled: config.getBoolean("prometheusRuleEnabled"),
    sloObjective: config.getNumber("sloObjective"),
    sloWindowDays: config.getNumber("sloWindowDays"),
    ttftTargetSeconds: config.getNumber("ttftTargetSeconds"),
    tpotTargetSeconds: config.getNumber("tpotTargetSeconds"),
    runbookBaseUrl: config.get("runbookBaseUrl"),
    alertLabels: config.getObject<Labels>("alertLabels"),
    adapterConfigMapEnabled: config.getBoolean("adapterConfigMapEnabled"),
    adapterNamespace: optional("adapterNamespace"),
    grafanaDashboardEnabled: config.getBoolean("grafanaDashboardEnabled"),
    grafanaDashboardLabels: config.getObject<Labels>("grafanaDashboardLabels"),
    grafanaDashboardNamespace: optional("grafanaDashboardNamespace"),
});

export const namespace = vllm.namespace;
export const serviceName = vllm.serviceName;
export const deploymentName = vllm.deploymentName;
export const hpaName = vllm.hpaName;
export const url = vllm.url;
export const servedModelName = vllm.servedModelName;
export const apiKey = vllm.apiKey;
export const adapterRules = vllm.adapterRules;
