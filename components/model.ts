import * as pulumi from "@pulumi/pulumi";
import { ResolvedSlo } from "./slo/settings";
import type { CanaryModel } from "./canary";

/**
 * The validated, defaulted form of {@link VllmServiceArgs}: what the manifest builders read.
 * Every field is present and known to be valid; derived values (GPU count, names, labels)
 * are computed once here so no builder re-derives them.
 */
export interface VllmModel {
    name: string;
    namespace: string;
    createNamespace: boolean;
    /** Labels on every object: the selector labels plus the user's. */
    labels: Record<string, string>;
    /** The immutable pod selector shared by the Deployment, Service, ServiceMonitor and HPA target. */
    selector: Record<string, string>;

    image: string;
    model: string;
    modelRevision: string;
    servedModelName: string;
    tensorParallelSize: number;
    pipelineParallelSize: number;
    /** tensorParallelSize x pipelineParallelSize: the pod's `nvidia.com/gpu` request and limit. */
    gpus: number;
    maxModelLen: number;
    gpuMemoryUtilization: number;
    extraArgs: string[];

    shmSizeLimit: string;
    cpuRequest: string;
    memory: string;
    nodeSelector: Record<string, string>;
    tolerateGpuTaint: boolean;
    startupTimeoutSeconds: number;
    /** A canary Deployment beside the stable one (an upgrade in progress), or undefined. */
    canary?: CanaryModel;

    /** The token to store, when the stack creates the token Secret. */
    hfToken?: pulumi.Input<string>;
    /** Secret holding the HF token (created or existing), or undefined for public models. */
    hfTokenSecretName?: string;
    hfTokenSecretKey: string;
    /** Secret holding the API key, or undefined when the key is off. */
    apiKeySecretName?: string;
    /** A user-supplied API key; undefined means generate one. */
    apiKey?: pulumi.Input<string>;

    /** Who may reach port 8000; undefined when networkPolicyEnabled is false. */
    networkPolicy?: {
        /** Namespaces admitted whole: allowedNamespaces plus the monitoring namespace, without duplicates. */
        namespaces: string[];
        /** Label maps of pods admitted from the service's own namespace. */
        podSelectors: Record<string, string>[];
    };
    serviceMonitor?: { labels: Record<string, string>; interval: string };
    /** Replicas the Deployment sets; undefined when the HPA owns the count. */
    replicas?: number;
    autoscaling?: {
        minReplicas: number;
        maxReplicas: number;
        queueTarget: number;
        scaleUp: { pods: number; periodSeconds: number; stabilizationSeconds: number };
        scaleDown: { pods: number; periodSeconds: number; stabilizationSeconds: number };
    };
    slo: ResolvedSlo;
}
