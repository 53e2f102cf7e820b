/**
 * The PrometheusRule of a VllmService: SLI recording rules, multi-window multi-burn-rate SLO
 * alerts and capacity alerts. Pure: returns the `spec` of a `monitoring.coreos.com/v1`
 * PrometheusRule (which is also a valid Prometheus rule file, so promtool can check it).
 */
import { selector } from "./promql";
import { BURN_RATE_POLICY, BurnSeverity, ResolvedSlo, burnRateThreshold, round } from "./settings";
import { HTTP, KSM, VLLM, exposedSeries, leLabel } from "./vllmMetrics";

/** What the component tells the rule builders about the service it created. */
export interface SloTarget {
    namespace: string;
    /** The Service name; the ServiceMonitor puts it on every scraped series as `service`. */
    serviceName: string;
    deploymentName: string;
    /** The HPA scaling the Deployment; undefined when autoscaling is off (the HPA alerts are then left out). */
    hpaName?: string;
    /** `--served-model-name`; vLLM puts it on every series as `model_name`. */
    servedModelName: string;
    /** HPA `averageValue` of `vllm:num_requests_waiting` per pod. */
    queueTarget: number;
}

export interface RecordingRule {
    record: string;
    expr: string;
    labels?: Record<string, string>;
}

export interface AlertingRule {
    alert: string;
    expr: string;
    for?: string;
    labels: Record<string, string>;
    annotations: { summary: string; description: string; runbook_url: string } & Record<string, string>;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
    name: string;
    interval?: string;
    rules: Rule[];
}

/** `spec` of a PrometheusRule; the same shape as a Prometheus rule file. */
export interface PrometheusRuleSpec {
    groups: RuleGroup[];
}

/** Alertmanager severities: pages are `critical`, tickets `warning` (kube-prometheus conventions). */
export const SEVERITY: Record<BurnSeverity, string> = { page: "critical", ticket: "warning" };

/** Names of every alert, for tests, routing and the README's runbook headings. */
export const ALERT_NAMES = {
    ttftBurn: "VllmTTFTBudgetBurn",
    tpotBurn: "VllmTPOTBudgetBurn",
    errorBurn: "VllmErrorBudgetBurn",
    queueAtMax: "VllmQueueAboveTargetAtMaxReplicas",
    hpaMetricUnavailable: "VllmHPAMetricUnavailable",
    metricsAbsent: "VllmMetricsAbsent",
} as const;

/** The windows the burn-rate alerts read, shortest first. */
export const SLI_WINDOWS: readonly string[] = (() => {
    const seconds = (w: string) => parseInt(w, 10) * { m: 60, h: 3600, d: 86400 }[w.slice(-1) as "m" | "h" | "d"];
    const all = new Set<string>();
    for (const p of BURN_RATE_POLICY) {
        all.add(p.long);
        all.add(p.short);
    }
    return [...all].sort((a, b) => seconds(a) - seconds(b));
})();

/** Names of the recording rules (the series they produce carry namespace, service[, model_name]). */
export const RECORDS = {
    /** Fraction of requests with TTFT within the target, over window w. */
    ttftCompliance: (w: string) => `vllm_slo:ttft_compliance:ratio_rate${w}`,
    /** Fraction of inter-token intervals within the TPOT target, over window w. */
    tpotCompliance: (w: string) => `vllm_slo:tpot_compliance:ratio_rate${w}`,
    /** Fraction of OpenAI API requests (`/v1/...`) answered with a 5xx, over window w. */
    errorRatio: (w: string) => `vllm_slo:request_errors:ratio_rate${w}`,
    /** Live queue depth: all waiting requests of the service. */
    waitingSum: "vllm_slo:num_requests_waiting:sum",
    /** Running requests of the service. */
    runningSum: "vllm_slo:num_requests_running:sum",
    /** Waiting requests per pod: the number the HPA compares with its target. */
    waitingPerPod: "vllm_slo:num_requests_waiting:avg_per_pod",
    /** running / (running + waiting): 1 means no queue. */
    saturation: "vllm_slo:saturation:ratio",
} as const;

/** Every record name {@link buildPrometheusRuleSpec} produces. */
export function recordingRuleNames(): string[] {
    const out: string[] = [];
    for (const w of SLI_WINDOWS) out.push(RECORDS.ttftCompliance(w), RECORDS.tpotCompliance(w), RECORDS.errorRatio(w));
    out.push(RECORDS.waitingSum, RECORDS.runningSum, RECORDS.waitingPerPod, RECORDS.saturation);
    return out;
}

/** Runbook link of an alert: `<base>#<alert name in lower case>` (a GitHub heading anchor). */
export function runbookUrl(slo: ResolvedSlo, alert: string): string {
    return `${slo.runbookBaseUrl}#${alert.toLowerCase()}`;
}

function fmtSeconds(s: number): string {
    return s < 1 ? `${round(s * 1000)}ms` : `${s}s`;
}

function pct(x: number): string {
    return `${round(x * 100)}%`;
}

/** PromQL selectors for one service: vLLM series, HTTP series and kube-state-metrics HPA series. */
export function targetSelectors(target: SloTarget) {
    const svc = { namespace: target.namespace, service: target.serviceName };
    const model = { ...svc, model_name: target.servedModelName };
    const hpa = { namespace: target.namespace, horizontalpodautoscaler: target.hpaName ?? "" };
    return {
        /** Labels of a service's series (HTTP metrics, absent()). */
        service: svc,
        /** Labels of a service's vLLM engine series. */
        model,
        hpa,
        /** The OpenAI API handlers (excludes /metrics, /health which vLLM does not count anyway). */
        apiHandlers: 'handler=~"/v1/.+"',
    };
}

/**
 * Builds the PrometheusRule spec for one service.
 *
 * Groups: `<prefix>.sli` (recording rules over every window the alerts need, plus queue depth
 * and saturation) and `<prefix>.alerts` (burn-rate and capacity alerts). Every alert has a
 * `severity` (critical = page, warning = ticket), a `summary`, a `description` and a
 * `runbook_url`, plus the user's `alertLabels`.
 */
export function buildPrometheusRuleSpec(slo: ResolvedSlo, target: SloTarget): PrometheusRuleSpec {
    const sel = targetSelectors(target);
    const m = selector(sel.model);
    const byModel = "namespace, service, model_name";
    const bySvc = "namespace, service";
    const ttftLe = leLabel(slo.ttftTargetSeconds);
    const tpotLe = leLabel(slo.tpotTargetSeconds);
    const api = selector(sel.service, [sel.apiHandlers]);
    const api5xx = selector(sel.service, [sel.apiHandlers, 'status=~"5.."']);
    const [ttftBucket, ttftCount] = exposedSeries(VLLM.ttft);
    const [itlBucket, itlCount] = exposedSeries(VLLM.interTokenLatency);
    const [httpTotal] = exposedSeries(HTTP.requestsTotal);
    const waiting = VLLM.numRequestsWaiting.name;
    const running = VLLM.numRequestsRunning.name;

    // --- SLIs -----------------------------------------------------------------------------
    const sli: RecordingRule[] = [];
    for (const w of SLI_WINDOWS) {
        // The recipe's TTFT SLI, scoped to this service and model.
        sli.push({
            record: RECORDS.ttftCompliance(w),
            expr:
                `sum by (${byModel}) (rate(${ttftBucket}${selector(sel.model, [`le="${ttftLe}"`])}[${w}]))\n` +
                `/\n` +
                `sum by (${byModel}) (rate(${ttftCount}${m}[${w}]))`,
        });
        sli.push({
            record: RECORDS.tpotCompliance(w),
            expr:
                `sum by (${byModel}) (rate(${itlBucket}${selector(sel.model, [`le="${tpotLe}"`])}[${w}]))\n` +
                `/\n` +
                `sum by (${byModel}) (rate(${itlCount}${m}[${w}]))`,
        });
        // `or 0 * total` makes the ratio 0 (not "no data") while no request has failed.
        sli.push({
            record: RECORDS.errorRatio(w),
            expr:
                `(\n` +
                `  sum by (${bySvc}) (rate(${httpTotal}${api5xx}[${w}]))\n` +
                `  or\n` +
                `  0 * sum by (${bySvc}) (rate(${httpTotal}${api}[${w}]))\n` +
                `)\n` +
                `/\n` +
                `sum by (${bySvc}) (rate(${httpTotal}${api}[${w}]))`,
        });
    }
    sli.push(
        // The recipe's "live queue depth driving the HPA".
        { record: RECORDS.waitingSum, expr: `sum by (${byModel}) (${waiting}${m})` },
        { record: RECORDS.runningSum, expr: `sum by (${byModel}) (${running}${m})` },
        // What the HPA compares with its AverageValue target: the adapter sums per pod, the HPA averages over pods.
        {
            record: RECORDS.waitingPerPod,
            expr: `sum by (${byModel}) (${waiting}${m})\n/\ncount by (${byModel}) (count by (${byModel}, pod) (${waiting}${m}))`,
        },
        // The recipe's saturation view: running / (running + waiting).
        {
            record: RECORDS.saturation,
            expr: `sum by (${byModel}) (${running}${m})\n/\n(sum by (${byModel}) (${running}${m}) + sum by (${byModel}) (${waiting}${m}))`,
        },
    );

    // --- SLO burn-rate alerts ---------------------------------------------------------------
    const budget = round(1 - slo.sloObjective);
    const who = `${target.namespace}/${target.serviceName}`;
    const model = `"${target.servedModelName}"`;
    const window = `${slo.sloWindowDays}d`;
    const alertLabels = (extra: Record<string, string>) => ({ ...slo.alertLabels, ...extra });

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
    const slis: Sli[] = [
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
            badEvents: `OpenAI API requests to ${who} failed with a 5xx`,
            check: "Check pod restarts and logs (OOM on KV cache, engine crash) and recent rollouts.",
        },
    ];

    // 4 significant digits: 14.4, 6, 3, 1 for 30 days; 13.44, 5.6, 2.8, 0.9333 for 28.
    const burnFactor = (p: (typeof BURN_RATE_POLICY)[number]) =>
        Number(burnRateThreshold(slo.sloWindowDays, p.longHours, p.budgetShare).toPrecision(4));
    const burnAlerts: AlertingRule[] = [];
    for (const s of slis) {
        for (const severity of ["page", "ticket"] as const) {
            const pairs = BURN_RATE_POLICY.filter((p) => p.severity === severity);
            const conds = pairs.map((p) => {
                const factor = burnFactor(p);
                const thr = `(${factor} * ${budget})`;
                return `(\n  ${s.bad(p.long)} > ${thr}\nand\n  ${s.bad(p.short)} > ${thr}\n)`;
            });
            const explain = pairs
                .map((p) => {
                    const factor = burnFactor(p);
                    return `${factor}x over ${p.long} and ${p.short} (${pct(p.budgetShare)} of the budget in ${p.long})`;
                })
                .join(", or ");
            const fast = severity === "page";
            burnAlerts.push({
                alert: s.alert,
                expr: conds.join("\nor\n"),
                for: fast ? "2m" : "15m",
                labels: alertLabels({ severity: SEVERITY[severity], slo: s.slo }),
                annotations: {
                    summary: `vLLM ${who}: ${s.title} SLO error budget burning ${fast ? "fast (page)" : "slowly (ticket)"}`,
                    description:
                        `{{ $value | humanizePercentage }} of ${s.badEvents} over the alert window; the objective allows ` +
                        `${pct(budget)} (${pct(slo.sloObjective)} good over ${window}). Burn rate above ${explain}. ` +
                        (fast
                            ? `At this rate the ${window} error budget is gone within days. `
                            : `Not urgent, but a large share of the ${window} error budget goes within days; fix it in working hours. `) +
                        s.check,
                    runbook_url: runbookUrl(slo, s.alert),
                },
            });
        }
    }

    // --- capacity alerts --------------------------------------------------------------------
    const hpa = selector(sel.hpa);
    const hpaAlerts: AlertingRule[] = [
        {
            alert: ALERT_NAMES.queueAtMax,
            expr:
                `${RECORDS.waitingPerPod}${m} > ${target.queueTarget}\n` +
                `and on (namespace)\n` +
                `(\n  ${KSM.hpaCurrentReplicas}${hpa}\n  >=\n  ${KSM.hpaMaxReplicas}${hpa}\n)`,
            for: `${slo.queueAtMaxAlertMinutes}m`,
            labels: alertLabels({ severity: "warning" }),
            annotations: {
                summary: `vLLM ${who}: queue above the HPA target while the HPA is at maxReplicas`,
                description:
                    `{{ $value | printf "%.1f" }} requests wait per replica (HPA target ${target.queueTarget}) and HPA ` +
                    `${target.hpaName} has been at its maxReplicas for ${slo.queueAtMaxAlertMinutes} minutes. ` +
                    `Autoscaling cannot create capacity that is not there: add GPUs/nodes and raise maxReplicas, ` +
                    `or shed load with admission control.`,
                runbook_url: runbookUrl(slo, ALERT_NAMES.queueAtMax),
            },
        },
        {
            alert: ALERT_NAMES.hpaMetricUnavailable,
            expr: `max by (namespace, horizontalpodautoscaler) (${KSM.hpaCondition}${selector(sel.hpa, ['condition="ScalingActive"', 'status="false"'])}) == 1`,
            for: "10m",
            labels: alertLabels({ severity: "warning", service: target.serviceName }),
            annotations: {
                summary: `vLLM ${who}: HPA ${target.hpaName} cannot read ${waiting} and does not scale`,
                description:
                    `HPA ${target.hpaName} has reported ScalingActive=false for 10 minutes: it cannot get ${waiting} ` +
                    `from the custom metrics API, so replicas stay where they are whatever the queue. Check that ` +
                    `prometheus-adapter has the rule for ${waiting} ` +
                    `(kubectl get --raw "/apis/custom.metrics.k8s.io/v1beta1/namespaces/${target.namespace}/pods/*/${waiting}") ` +
                    `and that Prometheus scrapes the pods (kubectl -n ${target.namespace} describe hpa ${target.hpaName}).`,
                runbook_url: runbookUrl(slo, ALERT_NAMES.hpaMetricUnavailable),
            },
        },
    ];
    const capacity: AlertingRule[] = [
        ...(target.hpaName ? hpaAlerts : []),
        {
            alert: ALERT_NAMES.metricsAbsent,
            expr: `absent(${waiting}${selector(sel.service)})`,
            for: `${slo.metricsAbsentAlertMinutes}m`,
            labels: alertLabels({ severity: "warning" }),
            annotations: {
                summary: `vLLM ${who}: no vLLM metrics in Prometheus`,
                description:
                    `Prometheus has had no ${waiting} series from service ${target.serviceName} in ${target.namespace} for ` +
                    `${slo.metricsAbsentAlertMinutes} minutes. The SLO alerts and the HPA are blind. Check that the ServiceMonitor's labels match your ` +
                    `Prometheus' serviceMonitorSelector, that the pods are Ready and serve /metrics on port http.`,
                runbook_url: runbookUrl(slo, ALERT_NAMES.metricsAbsent),
            },
        },
    ];

    const prefix = `vllm-slo.${target.namespace}.${target.serviceName}`;
    return {
        groups: [
            { name: `${prefix}.sli`, rules: sli },
            { name: `${prefix}.alerts`, rules: [...burnAlerts, ...capacity] },
        ],
    };
}

/** All PromQL expressions of a rule spec. */
export function ruleExpressions(spec: PrometheusRuleSpec): string[] {
    return spec.groups.flatMap((g) => g.rules.map((r) => r.expr));
}
