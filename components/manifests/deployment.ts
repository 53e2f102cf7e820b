import * as k8s from "@pulumi/kubernetes";
import { VLLM_PORT } from "../defaults";
import { VllmModel } from "../model";
import { metadata, PULUMI_TIMEOUT_ANNOTATION, rolloutTimeoutSeconds } from "./metadata";
import { TRACK, TRACK_LABEL } from "../canary";

/** The resource name the NVIDIA device plugin advertises GPUs under. */
export const GPU_RESOURCE = "nvidia.com/gpu";

/**
 * Seconds a terminating pod keeps serving before vLLM gets SIGTERM: endpoint controllers, kube-proxy
 * and gateways stop routing to it meanwhile, so a rollout or a removed canary fails no request
 * (vLLM then finishes its in-flight requests within the grace period).
 */
export const PRE_STOP_SLEEP_SECONDS = 10;

/** Seconds between startup probes; the failure threshold is derived from the startup budget. */
const STARTUP_PROBE_PERIOD_SECONDS = 10;

/** vLLM's command-line flags, in the recipe's `--flag=value` form. */
export function vllmArgs(m: VllmModel): string[] {
    return [
        `--model=${m.model}`,
        `--revision=${m.modelRevision}`,
        `--served-model-name=${m.servedModelName}`,
        `--tensor-parallel-size=${m.tensorParallelSize}`,
        ...(m.pipelineParallelSize > 1 ? [`--pipeline-parallel-size=${m.pipelineParallelSize}`] : []),
        `--max-model-len=${m.maxModelLen}`,
        `--gpu-memory-utilization=${m.gpuMemoryUtilization}`,
        `--port=${VLLM_PORT}`,
        ...m.extraArgs,
    ];
}

function secretEnv(name: string, secretName: string, key: string): k8s.types.input.core.v1.EnvVar {
    return { name, valueFrom: { secretKeyRef: { name: secretName, key } } };
}

/** Environment: secrets only by reference, never by value. */
function env(m: VllmModel): k8s.types.input.core.v1.EnvVar[] {
    const vars: k8s.types.input.core.v1.EnvVar[] = [];
    if (m.hfTokenSecretName) {
        // huggingface_hub reads HF_TOKEN; older releases read HUGGING_FACE_HUB_TOKEN.
        vars.push(secretEnv("HF_TOKEN", m.hfTokenSecretName, m.hfTokenSecretKey));
        vars.push(secretEnv("HUGGING_FACE_HUB_TOKEN", m.hfTokenSecretName, m.hfTokenSecretKey));
    }
    if (m.apiKeySecretName) {
        // vLLM reads VLLM_API_KEY when --api-key is absent; /health and /metrics stay open.
        vars.push(secretEnv("VLLM_API_KEY", m.apiKeySecretName, API_KEY_SECRET_KEY));
    }
    return vars;
}

/** Key of the API key inside its Secret. */
export const API_KEY_SECRET_KEY = "api-key";

function healthProbe(periodSeconds: number, failureThreshold: number, timeoutSeconds: number): k8s.types.input.core.v1.Probe {
    return { httpGet: { path: "/health", port: "http" }, periodSeconds, failureThreshold, timeoutSeconds };
}

/**
 * The vLLM Deployment: one pod = one model copy sharded across `gpus` GPUs. The stable track keeps
 * the immutable selector; its pods are labelled `track: stable` so they can be told from a canary's.
 */
export function deploymentArgs(m: VllmModel, track: keyof typeof TRACK = "stable"): k8s.apps.v1.DeploymentArgs {
    const gpus = String(m.gpus);
    const trackLabels = { [TRACK_LABEL]: TRACK[track] };
    return {
        metadata: {
            ...metadata(m, m.name, trackLabels),
            // The provider's default await is 10 minutes; a big model's first rollout takes longer.
            annotations: { [PULUMI_TIMEOUT_ANNOTATION]: String(rolloutTimeoutSeconds(m)) },
        },
        spec: {
            // Omitted when the HPA owns the replica count, so `pulumi up` never resets it.
            replicas: m.replicas,
            // The stable selector predates tracks (selectors are immutable): it also matches canary
            // pods, which it never adopts (they belong to the canary's ReplicaSet).
            selector: { matchLabels: track === "stable" ? m.selector : { ...m.selector, ...trackLabels } },
            // Without this the rollout is marked failed after the default 600 s while weights still load.
            progressDeadlineSeconds: rolloutTimeoutSeconds(m),
            // GPUs are scarce: surge one pod at a time and never drop below the current capacity.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
            template: {
                metadata: { labels: { ...m.labels, ...trackLabels } },
                spec: {
                    nodeSelector: Object.keys(m.nodeSelector).length > 0 ? m.nodeSelector : undefined,
                    tolerations: m.tolerateGpuTaint ? [{ key: GPU_RESOURCE, operator: "Exists", effect: "NoSchedule" }] : undefined,
                    containers: [
                        {
                            name: "vllm",
                            image: m.image,
                            args: vllmArgs(m),
                            ports: [{ name: "http", containerPort: VLLM_PORT, protocol: "TCP" }],
                            env: env(m),
                            resources: {
                                requests: { cpu: m.cpuRequest, memory: m.memory, [GPU_RESOURCE]: gpus },
                                limits: { memory: m.memory, [GPU_RESOURCE]: gpus },
                            },
                            // The startup probe holds liveness off for the whole weight load.
                            startupProbe: healthProbe(STARTUP_PROBE_PERIOD_SECONDS, Math.ceil(m.startupTimeoutSeconds / STARTUP_PROBE_PERIOD_SECONDS), 5),
                            readinessProbe: healthProbe(10, 3, 5),
                            livenessProbe: healthProbe(30, 3, 10),
                            lifecycle: { preStop: { exec: { command: ["sleep", String(PRE_STOP_SLEEP_SECONDS)] } } },
                            volumeMounts: [{ name: "dshm", mountPath: "/dev/shm" }],
                        },
                    ],
                    volumes: [{ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: m.shmSizeLimit } }],
                },
            },
        },
    };
}
