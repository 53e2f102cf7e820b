/**
 * The stack the elasticity tests deploy: the real program and component with a small simulated
 * GPU and short autoscaling windows, so the loop shows its behaviour in minutes. Every timing the
 * tests bound is derived from these numbers (see the test file).
 */
import { stringify } from "yaml";

export const LOOP_STACK = "loop";
export const LOOP_NS = "vllm-loop";

/** Autoscaling of the loop stack. Scale-up and scale-down each reach their bound in one step. */
export const HPA = {
    minReplicas: 1,
    maxReplicas: 3,
    /** Waiting requests per replica the HPA aims for. */
    queueTarget: 2,
    scaleUpPods: 4,
    scaleUpPeriodSeconds: 15,
    scaleUpStabilizationSeconds: 0,
    scaleDownPods: 4,
    scaleDownPeriodSeconds: 15,
    /** Long enough to tell apart from "no stabilization" (which scales down at the first low sync). */
    scaleDownStabilizationSeconds: 45,
} as const;

/** Prometheus scrape interval of the ServiceMonitor (the component's `scrapeInterval`). */
export const SCRAPE_SECONDS = 5;
/** kube-controller-manager's --horizontal-pod-autoscaler-sync-period default (the local cluster keeps it). */
export const HPA_SYNC_SECONDS = 15;
/** vLLM's --max-num-seqs of the loop stack: one replica runs 4 requests, the rest wait. */
export const MAX_NUM_SEQS = 4;
/** The TTFT SLO target (a bucket bound of vllm:time_to_first_token_seconds). */
export const TTFT_TARGET_SECONDS = 0.5;

/** `Pulumi.loop.yaml`: the dev stack's model, the loop's autoscaling, capacity alerts after 1 minute. */
export function loopStackYaml(overrides: Record<string, unknown> = {}): string {
    const config: Record<string, unknown> = {
        namespace: LOOP_NS,
        createNamespace: false, // the test creates it, with the simulator's knobs as annotations
        image: "vllm/vllm-openai:v0.11.0",
        model: "Qwen/Qwen2.5-0.5B-Instruct",
        modelRevision: "7ae557604adf67be50417f59c2c2f167def9a775",
        servedModelName: "default",
        maxModelLen: 4096,
        gpuMemoryUtilization: 0.85,
        shmSizeLimit: "2Gi",
        cpuRequest: "2",
        memory: "8Gi",
        startupTimeoutSeconds: 60,
        extraArgs: [`--max-num-seqs=${MAX_NUM_SEQS}`],
        scrapeInterval: `${SCRAPE_SECONDS}s`,
        ttftTargetSeconds: TTFT_TARGET_SECONDS,
        queueAtMaxAlertMinutes: 1,
        metricsAbsentAlertMinutes: 1,
        ...HPA,
        ...overrides,
    };
    return stringify({ config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`vllm-pulumi:${k}`, v])) });
}
