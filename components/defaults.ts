import { VllmServiceArgs } from "./args";

/** The pinned vLLM image; the SLO rules' metric names are checked against this version. */
export const DEFAULT_IMAGE = "vllm/vllm-openai:v0.11.0";

/** The port vLLM serves the OpenAI API, `/health` and `/metrics` on. */
export const VLLM_PORT = 8000;

/** Args that have no default: required, secret, or derived from the resource name. */
type NoDefault = "model" | "modelRevision" | "name" | "hfToken" | "hfTokenSecretName" | "apiKey" | "canaryImage" | "canaryModelRevision";
type OwnArgs = Omit<VllmServiceArgs, keyof import("./slo/settings").SloArgs>;

/**
 * Every default of the component, in one place. Typed so that adding an arg without
 * a default (or a default without an arg) does not compile. Values follow ../shared/recipe.md.
 */
export const DEFAULTS: Required<Omit<OwnArgs, NoDefault>> = {
    namespace: "serving",
    createNamespace: false,
    labels: {},
    image: DEFAULT_IMAGE,
    servedModelName: "default",
    tensorParallelSize: 1,
    pipelineParallelSize: 1,
    maxModelLen: 8192,
    gpuMemoryUtilization: 0.9,
    extraArgs: [],
    shmSizeLimit: "16Gi",
    cpuRequest: "4",
    memory: "32Gi",
    nodeSelector: {},
    tolerateGpuTaint: true,
    startupTimeoutSeconds: 1800,
    canaryReplicas: 1,
    hfTokenSecretKey: "token",
    apiKeyEnabled: true,
    networkPolicyEnabled: true,
    allowedNamespaces: [],
    allowedPodSelectors: [],
    monitoringNamespace: "monitoring",
    serviceMonitorEnabled: true,
    serviceMonitorLabels: { release: "kube-prom" },
    scrapeInterval: "15s",
    autoscalingEnabled: true,
    replicas: 1,
    minReplicas: 1,
    maxReplicas: 8,
    queueTarget: 5,
    scaleUpPods: 2,
    scaleUpPeriodSeconds: 60,
    scaleUpStabilizationSeconds: 0,
    scaleDownPods: 1,
    scaleDownPeriodSeconds: 120,
    scaleDownStabilizationSeconds: 300,
};
