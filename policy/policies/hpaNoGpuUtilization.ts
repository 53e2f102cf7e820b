import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { gpuUtilizationIn, HPA_SCALE_INSTEAD, hpaMetrics, isHpa, isScaledObject, KEDA_SCALE_INSTEAD, scaledObjectMetrics } from "@vllm-pulumi/kube-parser";
import { configOf, objectOf } from "./util";

const configSchema: PolicyConfigSchema = {
    properties: {
        extraPatterns: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "More metric names to treat as GPU utilization (JavaScript regular expressions, case-insensitive).",
        },
    },
};

/**
 * GPU utilization does not track what users feel: a saturated engine can read 100% while
 * latency is fine, or read low while requests pile up in the queue.
 */
export const hpaNoGpuUtilization: ResourceValidationPolicy = {
    name: "hpa-no-gpu-utilization",
    description: "HorizontalPodAutoscalers (autoscaling/v2, v2beta2) and KEDA ScaledObjects must not scale on GPU utilization.",
    enforcementLevel: "mandatory",
    configSchema,
    remediationSteps:
        "Replace the GPU-utilization metric (DCGM_FI_DEV_GPU_UTIL, nvidia_gpu_duty_cycle, the nvidia.com/gpu resource, ...) " +
        "with vllm:num_requests_waiting as a Pods metric with an AverageValue target.",
    validateResource: (args, reportViolation) => {
        const obj = objectOf(args);
        if (!obj) return;
        const metrics = isHpa(obj) ? hpaMetrics(obj) : isScaledObject(obj) ? scaledObjectMetrics(obj) : [];
        if (metrics.length === 0) return;
        const instead = isHpa(obj) ? HPA_SCALE_INSTEAD : KEDA_SCALE_INSTEAD;
        const { extraPatterns } = configOf<{ extraPatterns: string[] }>(args, configSchema);
        const extra = extraPatterns.map(p => new RegExp(p, "i"));
        for (const m of metrics) {
            const found = gpuUtilizationIn(m.text, extra);
            if (found) {
                reportViolation(`${m.path} (${m.source}) scales on GPU utilization "${found}". ${instead}`);
            }
        }
    },
};
