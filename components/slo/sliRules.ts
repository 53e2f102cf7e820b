/**
 * The SLI recording rules: TTFT and TPOT compliance and the API error ratio over every window the
 * burn-rate alerts read, plus the queue depth and saturation the capacity alert and the recipe use.
 */
import { selector } from "./promql";
import { RECORDS, SLI_WINDOWS } from "./records";
import { RecordingRule } from "./ruleTypes";
import type { ResolvedSlo } from "./settings";
import { SloTarget, targetSelectors } from "./target";
import { HTTP, VLLM, exposedSeries, leLabel } from "./vllmMetrics";

const BY_MODEL = "namespace, service, model_name";
const BY_SERVICE = "namespace, service";

/** The recording rules of the `<prefix>.sli` group, in evaluation order. */
export function sliRecordingRules(slo: ResolvedSlo, target: SloTarget): RecordingRule[] {
    return [...SLI_WINDOWS.flatMap((w) => complianceRules(slo, target, w)), ...queueRules(target)];
}

/** The three SLIs over one window. */
function complianceRules(slo: ResolvedSlo, target: SloTarget, w: string): RecordingRule[] {
    const sel = targetSelectors(target);
    const m = selector(sel.model);
    const api = selector(sel.service, [sel.apiHandlers]);
    const api5xx = selector(sel.service, [sel.apiHandlers, 'status=~"5.."']);
    const [ttftBucket, ttftCount] = exposedSeries(VLLM.ttft);
    const [itlBucket, itlCount] = exposedSeries(VLLM.interTokenLatency);
    const [httpTotal] = exposedSeries(HTTP.requestsTotal);
    const withinTarget = (bucket: string, count: string, target: number) =>
        `sum by (${BY_MODEL}) (rate(${bucket}${selector(sel.model, [`le="${leLabel(target)}"`])}[${w}]))\n` +
        `/\n` +
        `sum by (${BY_MODEL}) (rate(${count}${m}[${w}]))`;
    return [
        // The recipe's TTFT SLI, scoped to this service and model.
        { record: RECORDS.ttftCompliance(w), expr: withinTarget(ttftBucket, ttftCount, slo.ttftTargetSeconds) },
        { record: RECORDS.tpotCompliance(w), expr: withinTarget(itlBucket, itlCount, slo.tpotTargetSeconds) },
        // `or 0 * total` makes the ratio 0 (not "no data") while no request has failed.
        {
            record: RECORDS.errorRatio(w),
            expr:
                `(\n` +
                `  sum by (${BY_SERVICE}) (rate(${httpTotal}${api5xx}[${w}]))\n` +
                `  or\n` +
                `  0 * sum by (${BY_SERVICE}) (rate(${httpTotal}${api}[${w}]))\n` +
                `)\n` +
                `/\n` +
                `sum by (${BY_SERVICE}) (rate(${httpTotal}${api}[${w}]))`,
        },
    ];
}

/** Queue depth, per-pod queue and saturation (no window: live gauges). */
function queueRules(target: SloTarget): RecordingRule[] {
    const m = selector(targetSelectors(target).model);
    const waiting = `sum by (${BY_MODEL}) (${VLLM.numRequestsWaiting.name}${m})`;
    const running = `sum by (${BY_MODEL}) (${VLLM.numRequestsRunning.name}${m})`;
    return [
        // The recipe's "live queue depth driving the HPA".
        { record: RECORDS.waitingSum, expr: waiting },
        { record: RECORDS.runningSum, expr: running },
        // What the HPA compares with its AverageValue target: the adapter sums per pod, the HPA averages over pods.
        {
            record: RECORDS.waitingPerPod,
            expr: `${waiting}\n/\ncount by (${BY_MODEL}) (count by (${BY_MODEL}, pod) (${VLLM.numRequestsWaiting.name}${m}))`,
        },
        // The recipe's saturation view: running / (running + waiting).
        { record: RECORDS.saturation, expr: `${running}\n/\n(${running} + ${waiting})` },
    ];
}
