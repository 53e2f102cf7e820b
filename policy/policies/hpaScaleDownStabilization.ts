import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { isHpa, isScaledObject } from "@vllm-pulumi/kube-parser";
import { configOf, objectOf } from "./util";

const configSchema: PolicyConfigSchema = {
    properties: {
        minSeconds: {
            type: "integer",
            minimum: 0,
            default: 300,
            description: "Smallest acceptable behavior.scaleDown.stabilizationWindowSeconds.",
        },
    },
};

/**
 * Each replica re-loads the model weights into GPU memory (minutes for large models); an
 * autoscaler that drops replicas on a short dip pays that cold start again on the next burst.
 */
export const hpaScaleDownStabilization: ResourceValidationPolicy = {
    name: "hpa-scale-down-stabilization",
    description: "HorizontalPodAutoscalers and KEDA ScaledObjects must keep a scale-down stabilization window of at least minSeconds (default 300 s).",
    enforcementLevel: "advisory",
    configSchema,
    remediationSteps:
        "Set spec.behavior.scaleDown.stabilizationWindowSeconds to 300 or more (KEDA: " +
        "spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds), or leave it unset (default 300).",
    validateResource: (args, reportViolation) => {
        const obj = objectOf(args);
        if (!obj) return;
        let behavior: any;
        let path: string;
        if (isHpa(obj)) {
            behavior = obj.body?.spec?.behavior;
            path = "spec.behavior.scaleDown.stabilizationWindowSeconds";
        } else if (isScaledObject(obj)) {
            behavior = obj.body?.spec?.advanced?.horizontalPodAutoscalerConfig?.behavior;
            path = "spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds";
        } else {
            return;
        }
        const window = behavior?.scaleDown?.stabilizationWindowSeconds;
        if (window === undefined || window === null || behavior?.scaleDown?.selectPolicy === "Disabled") {
            return; // Kubernetes' default is 300 s; a disabled scale-down never thrashes
        }
        const { minSeconds } = configOf<{ minSeconds: number }>(args, configSchema);
        if (Number(window) < minSeconds) {
            reportViolation(
                `${path} is ${window}s, below ${minSeconds}s: every scale-down is followed by a multi-minute weight load on the next burst. ` +
                    `Set it to ${minSeconds} or more.`,
            );
        }
    },
};
