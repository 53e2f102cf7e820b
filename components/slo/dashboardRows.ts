/**
 * The dashboard's content, row by row, in the order on-call reads it: are the SLOs met, is there
 * capacity, what is the engine doing. Queries come from ./dashboardQueries.
 */
import { capacityQueries, engineQueries, sloQueries } from "./dashboardQueries";
import { RowSpec, thresholdLine } from "./dashboardPanels";
import type { ResolvedSlo } from "./settings";
import { round } from "./sloPolicy";
import { SloTarget } from "./target";

const HEIGHT = 8;

/** Every row of the dashboard, top to bottom. */
export function dashboardRows(slo: ResolvedSlo, target: SloTarget): RowSpec[] {
    return [latencyRow(slo, target), complianceRow(slo, target), capacityRow(target), engineRow(target)];
}

function latencyRow(slo: ResolvedSlo, target: SloTarget): RowSpec {
    const q = sloQueries(slo, target);
    const share = round(slo.sloObjective * 100);
    return {
        name: "latency vs SLO targets",
        height: HEIGHT,
        panels: [
            {
                title: "Time to first token vs SLO target",
                description: `TTFT percentiles of model ${target.servedModelName}; the red line is the SLO target (${slo.ttftTargetSeconds}s, ${share}% of requests within it).`,
                width: 12,
                queries: q.ttft,
                defaults: { unit: "s", ...thresholdLine(slo.ttftTargetSeconds) },
            },
            {
                title: "Time per output token (inter-token latency) vs SLO target",
                description: `vllm:inter_token_latency_seconds percentiles (vLLM 0.11's name for TPOT); the red line is the target (${slo.tpotTargetSeconds}s).`,
                width: 12,
                queries: q.tpot,
                defaults: { unit: "s", ...thresholdLine(slo.tpotTargetSeconds) },
            },
        ],
    };
}

function complianceRow(slo: ResolvedSlo, target: SloTarget): RowSpec {
    const q = sloQueries(slo, target);
    return {
        name: "SLIs and errors",
        height: HEIGHT,
        panels: [
            {
                title: "SLI compliance (5m) vs objective",
                description: `Share of good events over 5 minutes for each SLO; the red line is the objective (${slo.sloObjective}). The burn-rate alerts use the same ratios over 5m to 3d.`,
                width: 12,
                queries: q.compliance,
                defaults: { unit: "percentunit", min: 0, max: 1, ...thresholdLine(slo.sloObjective) },
            },
            {
                title: "Request error rate",
                description: "Share of OpenAI API requests answered with a 5xx, and finished requests per second by reason (abort = client went away or was cancelled).",
                width: 12,
                queries: q.errors,
                defaults: { unit: "short", min: 0 },
            },
        ],
    };
}

function capacityRow(target: SloTarget): RowSpec {
    const q = capacityQueries(target);
    const hpa = target.hpaName;
    return {
        name: "capacity: queue and replicas",
        height: HEIGHT,
        panels: [
            {
                title: "Queue: waiting vs running vs HPA target",
                description: hpa
                    ? `Waiting and running requests of the service, and waiting per pod (what the HPA compares with its target of ${target.queueTarget}).`
                    : "Waiting and running requests of the service, and waiting per pod.",
                width: 12,
                queries: q.queue,
                defaults: { unit: "short", min: 0, ...(hpa ? thresholdLine(target.queueTarget, "orange") : {}) },
            },
            {
                title: "Replicas",
                description: hpa
                    ? `HPA ${hpa}: current and desired replicas against min and max; available replicas of deployment ${target.deploymentName}.`
                    : `Available replicas of deployment ${target.deploymentName} (autoscaling is off).`,
                width: 12,
                queries: q.replicas,
                defaults: { unit: "short", min: 0, decimals: 0 },
            },
        ],
    };
}

function engineRow(target: SloTarget): RowSpec {
    const q = engineQueries(target);
    return {
        name: "engine: KV cache, throughput, saturation",
        height: HEIGHT,
        panels: [
            {
                title: "KV-cache usage",
                description: "Fraction of KV-cache blocks in use per pod (vllm:kv_cache_usage_perc); near 1 vLLM preempts requests, shown as preemptions/s.",
                width: 8,
                queries: q.kvCache,
                defaults: { unit: "percentunit", min: 0 },
            },
            {
                title: "Tokens per second",
                description: "Prompt (prefill) and generated (decode) tokens per second across all replicas.",
                width: 8,
                queries: q.tokens,
                defaults: { unit: "short", min: 0 },
            },
            {
                title: "Saturation: running / (running + waiting)",
                description: "1 means every request is being served; lower means requests queue (the recipe's saturation view).",
                width: 8,
                queries: q.saturation,
                defaults: { unit: "percentunit", min: 0, max: 1 },
            },
        ],
    };
}
