/**
 * A large multi-document manifest for the check-manifests benchmark: vLLM Deployments (some
 * unpinned), other Deployments, HPAs (some on GPU utilization), Services and ConfigMaps, in a
 * fixed proportion, with the number of violations of the two compared policies known.
 */
import { stringify } from "yaml";

export interface Generated {
    text: string;
    objects: number;
    /** Violations of vllm-image-pinned and hpa-no-gpu-utilization the input holds. */
    expected: { "vllm-image-pinned": number; "hpa-no-gpu-utilization": number };
}

function vllmDeployment(i: number, image: string): object {
    const tp = 1 + (i % 2);
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: `vllm-${i}`, namespace: "serving", labels: { app: `vllm-${i}` } },
        spec: {
            replicas: 1,
            selector: { matchLabels: { app: `vllm-${i}` } },
            template: {
                metadata: { labels: { app: `vllm-${i}` } },
                spec: {
                    containers: [
                        {
                            name: "vllm",
                            image,
                            args: ["--model=meta-llama/Llama-3.1-8B-Instruct", `--tensor-parallel-size=${tp}`, "--port=8000"],
                            env: [{ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf", key: "token" } } }],
                            resources: { limits: { "nvidia.com/gpu": tp }, requests: { "nvidia.com/gpu": tp } },
                            readinessProbe: { httpGet: { path: "/health", port: 8000 } },
                            livenessProbe: { httpGet: { path: "/health", port: 8000 }, initialDelaySeconds: 300 },
                            volumeMounts: [{ name: "dshm", mountPath: "/dev/shm" }],
                        },
                    ],
                    volumes: [{ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "16Gi" } }],
                },
            },
        },
    };
}

function webDeployment(i: number): object {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: `web-${i}`, namespace: "apps", labels: { app: `web-${i}` } },
        spec: {
            selector: { matchLabels: { app: `web-${i}` } },
            template: {
                metadata: { labels: { app: `web-${i}` } },
                spec: { containers: [{ name: "web", image: "nginx:1.27", ports: [{ containerPort: 80 }], resources: { requests: { cpu: "100m", memory: "64Mi" } } }] },
            },
        },
    };
}

function hpa(i: number, metric: object): object {
    return {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: `vllm-${i}`, namespace: "serving" },
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: `vllm-${i}` },
            minReplicas: 1,
            maxReplicas: 8,
            metrics: [metric],
            behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
        },
    };
}

const QUEUE = { type: "Pods", pods: { metric: { name: "vllm:num_requests_waiting" }, target: { type: "AverageValue", averageValue: "5" } } };
const GPU_UTIL = { type: "External", external: { metric: { name: "DCGM_FI_DEV_GPU_UTIL" }, target: { type: "AverageValue", averageValue: "80" } } };

/** `groups` groups of 10 objects: 3 vLLM Deployments, 2 other Deployments, 3 HPAs, 1 Service, 1 ConfigMap. */
export function generateManifests(groups: number): Generated {
    const docs: object[] = [];
    const expected = { "vllm-image-pinned": 0, "hpa-no-gpu-utilization": 0 };
    for (let g = 0; g < groups; g++) {
        for (let k = 0; k < 3; k++) {
            const i = g * 3 + k;
            const unpinned = i % 10 === 0;
            if (unpinned) expected["vllm-image-pinned"]++;
            docs.push(vllmDeployment(i, unpinned ? "vllm/vllm-openai:latest" : "vllm/vllm-openai:v0.11.0"));
            const gpu = i % 7 === 0;
            if (gpu) expected["hpa-no-gpu-utilization"]++;
            docs.push(hpa(i, gpu ? GPU_UTIL : QUEUE));
        }
        docs.push(webDeployment(2 * g), webDeployment(2 * g + 1));
        docs.push({ apiVersion: "v1", kind: "Service", metadata: { name: `web-${g}`, namespace: "apps", labels: { app: `web-${g}` } }, spec: { selector: { app: `web-${2 * g}` }, ports: [{ name: "http", port: 80 }] } });
        docs.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `settings-${g}`, namespace: "apps" }, data: { "config.yaml": `level: info\ngroup: ${g}\n` } });
    }
    return { text: docs.map(d => stringify(d)).join("---\n"), objects: docs.length, expected };
}
