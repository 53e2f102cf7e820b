/**
 * Every PromQL query of the Grafana dashboard, by row, apart from the panels that show them
 * (the kubernetes-mixin habit: queries read and review on their own). They read raw vLLM and
 * kube-state-metrics series, not the recording rules, so the dashboard works where the
 * PrometheusRule is switched off.
 */
import { selector } from "./promql";
import type { ResolvedSlo } from "./settings";
import { round } from "./sloPolicy";
import { SloTarget, targetSelectors } from "./target";
import { HTTP, KSM, VLLM, exposedSeries, leLabel } from "./vllmMetrics";

/** One query of a panel and its legend. */
export interface Query {
    expr: string;
    legend: string;
}

/** Grafana picks a rate window that fits the scrape interval and the zoom. */
const RI = "$__rate_interval";

function scoped(target: SloTarget) {
    const sel = targetSelectors(target);
    return {
        sel,
        m: selector(sel.model),
        hpa: selector(sel.hpa),
        api: selector(sel.service, [sel.apiHandlers]),
        api5xx: selector(sel.service, [sel.apiHandlers, 'status=~"5.."']),
    };
}

/** p50, p90 and p99 of a latency histogram of the service's model. */
function quantiles(bucket: string, m: string): Query[] {
    return [0.5, 0.9, 0.99].map((q) => ({ expr: `histogram_quantile(${q}, sum by (le) (rate(${bucket}${m}[${RI}])))`, legend: `p${round(q * 100)}` }));
}

/** Row "SLOs": latency percentiles, the SLIs over 5m, and errors. */
export function sloQueries(slo: ResolvedSlo, target: SloTarget) {
    const { sel, m, api, api5xx } = scoped(target);
    const [ttftBucket, ttftCount] = exposedSeries(VLLM.ttft);
    const [itlBucket, itlCount] = exposedSeries(VLLM.interTokenLatency);
    const [httpTotal] = exposedSeries(HTTP.requestsTotal);
    const [successTotal] = exposedSeries(VLLM.requestSuccess);
    const within = (bucket: string, count: string, t: number) =>
        `sum(rate(${bucket}${selector(sel.model, [`le="${leLabel(t)}"`])}[5m])) / sum(rate(${count}${m}[5m]))`;
    return {
        ttft: quantiles(ttftBucket, m),
        tpot: quantiles(itlBucket, m),
        compliance: [
            { expr: within(ttftBucket, ttftCount, slo.ttftTargetSeconds), legend: `TTFT within ${slo.ttftTargetSeconds}s` },
            { expr: within(itlBucket, itlCount, slo.tpotTargetSeconds), legend: `TPOT within ${slo.tpotTargetSeconds}s` },
            { expr: `1 - (sum(rate(${httpTotal}${api5xx}[5m])) or vector(0)) / sum(rate(${httpTotal}${api}[5m]))`, legend: "requests without 5xx" },
        ],
        errors: [
            { expr: `(sum(rate(${httpTotal}${api5xx}[${RI}])) or vector(0)) / sum(rate(${httpTotal}${api}[${RI}]))`, legend: "5xx ratio" },
            { expr: `sum by (finished_reason) (rate(${successTotal}${m}[${RI}]))`, legend: "finished {{finished_reason}} /s" },
        ],
    };
}

/** Row "Capacity": the queue against the HPA target, and replicas. HPA series only with an HPA. */
export function capacityQueries(target: SloTarget) {
    const { sel, m, hpa } = scoped(target);
    const waiting = VLLM.numRequestsWaiting.name;
    const running = VLLM.numRequestsRunning.name;
    const withHpa = (queries: Query[]) => (target.hpaName ? queries : []);
    return {
        queue: [
            { expr: `sum(${waiting}${m})`, legend: "waiting (total)" },
            { expr: `sum(${running}${m})`, legend: "running (total)" },
            { expr: `sum(${waiting}${m}) / count(count by (pod) (${waiting}${m}))`, legend: "waiting per pod" },
            ...withHpa([{ expr: `max(${KSM.hpaSpecTargetMetric}${selector(sel.hpa, [`metric_name="${waiting}"`])})`, legend: "HPA target per pod" }]),
        ],
        replicas: [
            ...withHpa([
                { expr: `max(${KSM.hpaCurrentReplicas}${hpa})`, legend: "current" },
                { expr: `max(${KSM.hpaDesiredReplicas}${hpa})`, legend: "desired" },
                { expr: `max(${KSM.hpaMinReplicas}${hpa})`, legend: "min" },
                { expr: `max(${KSM.hpaMaxReplicas}${hpa})`, legend: "max" },
            ]),
            {
                expr: `max(${KSM.deploymentReplicasAvailable}${selector({ namespace: target.namespace, deployment: target.deploymentName })})`,
                legend: "available",
            },
        ],
    };
}

/** Row "Engine": KV cache, tokens per second, saturation. */
export function engineQueries(target: SloTarget) {
    const { m } = scoped(target);
    const [promptTotal] = exposedSeries(VLLM.promptTokens);
    const [genTotal] = exposedSeries(VLLM.generationTokens);
    const [preemptTotal] = exposedSeries(VLLM.numPreemptions);
    const waiting = VLLM.numRequestsWaiting.name;
    const running = VLLM.numRequestsRunning.name;
    return {
        kvCache: [
            { expr: `max by (pod) (${VLLM.kvCacheUsage.name}${m})`, legend: "{{pod}}" },
            { expr: `sum(rate(${preemptTotal}${m}[${RI}]))`, legend: "preemptions /s" },
        ],
        tokens: [
            { expr: `sum(rate(${promptTotal}${m}[${RI}]))`, legend: "prompt tokens/s" },
            { expr: `sum(rate(${genTotal}${m}[${RI}]))`, legend: "generated tokens/s" },
        ],
        saturation: [{ expr: `sum(${running}${m}) / (sum(${running}${m}) + sum(${waiting}${m}))`, legend: "saturation" }],
    };
}
