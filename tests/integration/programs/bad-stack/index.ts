/**
 * Deliberately bad: raw resources, not the VllmService component, to prove the policy pack
 * guards every resource in a stack. Each object breaks exactly one core policy.
 */
import * as k8s from "@pulumi/kubernetes";

const labels = { app: "rogue-vllm" };
const namespace = "default";

// vllm-image-pinned: the image floats on :latest.
new k8s.apps.v1.Deployment("unpinned", {
    metadata: { name: "unpinned", namespace },
    spec: {
        selector: { matchLabels: { app: "unpinned" } },
        template: {
            metadata: { labels: { app: "unpinned" } },
            spec: {
                containers: [{
                    name: "vllm",
                    image: "vllm/vllm-openai:latest",
                    args: ["--model=Qwen/Qwen2.5-0.5B-Instruct", "--tensor-parallel-size=1"],
                    resources: { limits: { "nvidia.com/gpu": "1" }, requests: { "nvidia.com/gpu": "1" } },
                    readinessProbe: { httpGet: { path: "/health", port: 8000 } },
                    livenessProbe: { httpGet: { path: "/health", port: 8000 } },
                }],
            },
        },
    },
});

// vllm-tp-matches-gpus: four shards on two GPUs hang at startup.
new k8s.apps.v1.Deployment("tp-mismatch", {
    metadata: { name: "tp-mismatch", namespace },
    spec: {
        selector: { matchLabels: labels },
        template: {
            metadata: { labels },
            spec: {
                containers: [{
                    name: "vllm",
                    image: "vllm/vllm-openai:v0.11.0",
                    command: ["vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct"],
                    args: ["--tensor-parallel-size", "4"],
                    resources: { limits: { "nvidia.com/gpu": "2" }, requests: { "nvidia.com/gpu": "2" } },
                    readinessProbe: { httpGet: { path: "/health", port: 8000 } },
                    livenessProbe: { httpGet: { path: "/health", port: 8000 } },
                    volumeMounts: [{ name: "dshm", mountPath: "/dev/shm" }],
                }],
                volumes: [{ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "16Gi" } }],
            },
        },
    },
});

// hpa-no-gpu-utilization: scales on DCGM's GPU utilization.
new k8s.autoscaling.v2.HorizontalPodAutoscaler("gpu-util", {
    metadata: { name: "gpu-util", namespace },
    spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "tp-mismatch" },
        minReplicas: 1,
        maxReplicas: 4,
        metrics: [{ type: "Pods", pods: { metric: { name: "DCGM_FI_DEV_GPU_UTIL" }, target: { type: "AverageValue", averageValue: "80" } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
});
