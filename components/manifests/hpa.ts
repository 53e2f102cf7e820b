import * as k8s from "@pulumi/kubernetes";
import { VllmModel } from "../model";
import { VLLM } from "../slo/vllmMetrics";
import { metadata } from "./metadata";

/** The queue-depth metric the HPA scales on (per pod, averaged). Never GPU utilization. */
export const QUEUE_METRIC = VLLM.numRequestsWaiting.name;

/** autoscaling/v2 HPA on waiting requests per pod: scale up fast, down slowly (cold starts are expensive). */
export function hpaArgs(m: VllmModel, a: NonNullable<VllmModel["autoscaling"]>): k8s.autoscaling.v2.HorizontalPodAutoscalerArgs {
    return {
        metadata: metadata(m),
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: m.name },
            minReplicas: a.minReplicas,
            maxReplicas: a.maxReplicas,
            metrics: [
                {
                    type: "Pods",
                    pods: {
                        metric: { name: QUEUE_METRIC },
                        target: { type: "AverageValue", averageValue: String(a.queueTarget) },
                    },
                },
            ],
            behavior: {
                scaleUp: {
                    stabilizationWindowSeconds: a.scaleUp.stabilizationSeconds,
                    policies: [{ type: "Pods", value: a.scaleUp.pods, periodSeconds: a.scaleUp.periodSeconds }],
                },
                scaleDown: {
                    stabilizationWindowSeconds: a.scaleDown.stabilizationSeconds,
                    policies: [{ type: "Pods", value: a.scaleDown.pods, periodSeconds: a.scaleDown.periodSeconds }],
                },
            },
        },
    };
}
