/**
 * The multi-window multi-burn-rate SLO alerts: for each SLI (TTFT, TPOT, errors) a page and a
 * ticket, each firing when a long and a short window both burn the error budget too fast.
 */
import { ALERT_NAMES, SEVERITY, alertLabels, fmtSeconds, pct, runbookUrl, serviceRef } from "./alertCatalogue";
import { selector } from "./promql";
import { RECORDS } from "./records";
import { AlertingRule } from "./ruleTypes";
import type { ResolvedSlo } from "./settings";
import { BURN_RATE_POLICY, BurnSeverity, burnRateThreshold, round } from "./sloPolicy";
import { SloTarget, targetSelectors } from "./target";

type Policy = (typeof BURN_RATE_POLICY)[number];

/** One SLI as its alerts describe it. */
interface Sli {
    alert: string;
    slo: string;
    /** Name of the SLO for people. */
    title: string;
    /** PromQL for the bad-event ratio over window w. */
    bad: (w: string) => string;
    /** What a bad event is, for people. */
    badEvents: string;
    check: string;
}

function slis(slo: ResolvedSlo, target: SloTarget): Sli[] {
    const sel = targetSelectors(target);
    const m = selector(sel.model);
    const model = `"${target.servedModelName}"`;
    return [
        {
            alert: ALERT_NAMES.ttftBurn,
            slo: "ttft",
            title: "TTFT",
            bad: (w) => `(1 - ${RECORDS.ttftCompliance(w)}${m})`,
            badEvents: `requests to model ${model} waited longer than ${fmtSeconds(slo.ttftTargetSeconds)} for their first token`,
            check:
                "Check the queue (waiting vs running) and whether the HPA is at maxReplicas, long prompts " +
                "(prefill) and KV-cache usage/preemptions on the dashboard.",
        },
        {
            alert: ALERT_NAMES.tpotBurn,
            slo: "tpot",
            title: "TPOT",
            bad: (w) => `(1 - ${RECORDS.tpotCompliance(w)}${m})`,
            badEvents: `output tokens of model ${model} took longer than ${fmtSeconds(slo.tpotTargetSeconds)} each (inter-token latency)`,
            check:
                "Decode is slow: too many concurrent sequences per replica (KV-cache usage, preemptions), " +
                "a degraded GPU or noisy neighbour. Compare replicas on the dashboard.",
        },
        {
            alert: ALERT_NAMES.errorBurn,
            slo: "errors",
            title: "error-rate",
            bad: (w) => `${RECORDS.errorRatio(w)}${selector(sel.service)}`,
            badEvents: `OpenAI API requests to ${serviceRef(target)} failed with a 5xx`,
            check: "Check pod restarts and logs (OOM on KV cache, engine crash) and recent rollouts.",
        },
    ];
}

/** 4 significant digits: 14.4, 6, 3, 1 for 30 days; 13.44, 5.6, 2.8, 0.9333 for 28. */
function burnFactor(slo: ResolvedSlo, p: Policy): number {
    return Number(burnRateThreshold(slo.sloWindowDays, p.longHours, p.budgetShare).toPrecision(4));
}

/** Every burn-rate alert: per SLI, the page then the ticket. */
export function burnRateAlerts(slo: ResolvedSlo, target: SloTarget): AlertingRule[] {
    return slis(slo, target).flatMap((s) => (["page", "ticket"] as const).map((severity) => burnRateAlert(slo, target, s, severity)));
}

function burnRateAlert(slo: ResolvedSlo, target: SloTarget, s: Sli, severity: BurnSeverity): AlertingRule {
    const budget = round(1 - slo.sloObjective);
    const window = `${slo.sloWindowDays}d`;
    const pairs = BURN_RATE_POLICY.filter((p) => p.severity === severity);
    const conds = pairs.map((p) => {
        const thr = `(${burnFactor(slo, p)} * ${budget})`;
        return `(\n  ${s.bad(p.long)} > ${thr}\nand\n  ${s.bad(p.short)} > ${thr}\n)`;
    });
    const explain = pairs
        .map((p) => `${burnFactor(slo, p)}x over ${p.long} and ${p.short} (${pct(p.budgetShare)} of the budget in ${p.long})`)
        .join(", or ");
    const fast = severity === "page";
    return {
        alert: s.alert,
        expr: conds.join("\nor\n"),
        for: fast ? "2m" : "15m",
        labels: alertLabels(slo, { severity: SEVERITY[severity], slo: s.slo }),
        annotations: {
            summary: `vLLM ${serviceRef(target)}: ${s.title} SLO error budget burning ${fast ? "fast (page)" : "slowly (ticket)"}`,
            description:
                `{{ $value | humanizePercentage }} of ${s.badEvents} over the alert window; the objective allows ` +
                `${pct(budget)} (${pct(slo.sloObjective)} good over ${window}). Burn rate above ${explain}. ` +
                (fast
                    ? `At this rate the ${window} error budget is gone within days. `
                    : `Not urgent, but a large share of the ${window} error budget goes within days; fix it in working hours. `) +
                s.check,
            runbook_url: runbookUrl(slo, s.alert),
        },
    };
}
