/**
 * The scenario language of the PrometheusRule tests: a synthetic cluster (`World`: traffic phases
 * with shares of slow or failed requests, queue depth, HPA state) rendered as promtool input
 * series, and the alerts expected at given times (`Check`), rendered as a `promtool test rules`
 * file. tests/slo/prometheusRule.test.ts writes its scenarios in it.
 */
import { expect } from "chai";
import {
    ALERT_NAMES,
    AlertingRule,
    HTTP,
    KSM,
    PrometheusRuleSpec,
    ResolvedSlo,
    SloTarget,
    VLLM,
    exposedSeries,
    leLabel,
} from "../../components/slo";
import { SloCase } from "./fixtures";
import { counter, gauge, series } from "./promtool";

// --- synthetic cluster ----------------------------------------------------------------------

export const PODS = ["a1b2c", "d3e4f"];
export const HORIZON = 120; // minutes of synthetic data

export interface Phase {
    minutes: number;
    /** Share of requests with TTFT over the target. */
    ttftBad?: number;
    /** Share of inter-token intervals over the TPOT target. */
    tpotBad?: number;
    /** Share of API requests answered with a 5xx; `null` = no 5xx series at all. */
    errBad?: number | null;
}

export interface World {
    /** Traffic phases (default: one healthy phase over the horizon). */
    phases?: Phase[];
    /** Waiting / running requests per pod. */
    waiting?: number;
    running?: number;
    hpaCurrent?: number;
    /** ScalingActive status of the HPA. */
    scalingActive?: boolean;
    /** No vLLM or HTTP series at all (Prometheus does not scrape the pods). */
    noVllm?: boolean;
}

export const HEALTHY = 0.001;

/** What Prometheus' humanizePercentage prints (4 significant digits). */
export function pct(ratio: number): string {
    return `${Number((ratio * 100).toPrecision(4))}%`;
}
export const REQS = 1000; // requests per pod per minute
export const TOKENS = 20000; // inter-token intervals per pod per minute

export function inputSeries(slo: ResolvedSlo, t: SloCase["target"], w: World): Array<{ series: string; values: string }> {
    const phases = w.phases ?? [{ minutes: HORIZON }];
    const out: Array<{ series: string; values: string }> = [];
    const add = (name: string, labels: Record<string, string>, values: string) => out.push({ series: series(name, labels), values });
    const [ttftBucket, ttftCount] = exposedSeries(VLLM.ttft);
    const [itlBucket, itlCount] = exposedSeries(VLLM.interTokenLatency);
    const [httpTotal] = exposedSeries(HTTP.requestsTotal);

    if (!w.noVllm) {
        for (const pod of PODS) {
            const base = { namespace: t.namespace, service: t.serviceName, pod: `${t.deploymentName}-${pod}`, job: t.serviceName, endpoint: "http" };
            const vllm = { ...base, model_name: t.servedModelName, engine: "0" };
            const seg = (per: number, share: (p: Phase) => number) => phases.map((p): [number, number] => [per * share(p), p.minutes]);
            add(ttftBucket, { ...vllm, le: leLabel(slo.ttftTargetSeconds) }, counter(...seg(REQS, (p) => 1 - (p.ttftBad ?? HEALTHY))));
            add(ttftBucket, { ...vllm, le: "+Inf" }, counter(...seg(REQS, () => 1)));
            add(ttftCount, vllm, counter(...seg(REQS, () => 1)));
            add(itlBucket, { ...vllm, le: leLabel(slo.tpotTargetSeconds) }, counter(...seg(TOKENS, (p) => 1 - (p.tpotBad ?? HEALTHY))));
            add(itlCount, vllm, counter(...seg(TOKENS, () => 1)));
            const http = { ...base, handler: "/v1/chat/completions", method: "POST" };
            add(httpTotal, { ...http, status: "2xx" }, counter(...seg(REQS, (p) => 1 - (p.errBad ?? HEALTHY))));
            if (!phases.every((p) => p.errBad === null)) {
                add(httpTotal, { ...http, status: "5xx" }, counter(...seg(REQS, (p) => p.errBad ?? HEALTHY)));
            }
            // /health is excluded by vLLM's instrumentator; /v1/models is an API handler like any other.
            add(httpTotal, { ...http, handler: "/v1/models", method: "GET", status: "2xx" }, counter([10, HORIZON]));
            add(VLLM.numRequestsWaiting.name, vllm, gauge(w.waiting ?? 1, HORIZON));
            add(VLLM.numRequestsRunning.name, vllm, gauge(w.running ?? 10, HORIZON));
        }
    }
    const ksm = { namespace: t.namespace, horizontalpodautoscaler: t.hpaName ?? "none", job: "kube-state-metrics", service: "kube-state-metrics" };
    add(KSM.hpaCurrentReplicas, ksm, gauge(w.hpaCurrent ?? 2, HORIZON));
    add(KSM.hpaMaxReplicas, ksm, gauge(t.maxReplicas, HORIZON));
    add(KSM.hpaMinReplicas, ksm, gauge(1, HORIZON));
    const active = w.scalingActive ?? true;
    for (const status of ["true", "false", "unknown"]) {
        const on = (status === "true" && active) || (status === "false" && !active);
        add(KSM.hpaCondition, { ...ksm, condition: "ScalingActive", status }, gauge(on ? 1 : 0, HORIZON));
    }
    return out;
}

// --- expected alerts ------------------------------------------------------------------------

export type AlertName = (typeof ALERT_NAMES)[keyof typeof ALERT_NAMES];

export interface Firing {
    alert: AlertName;
    /** Alertmanager severity label value. */
    severity: "critical" | "warning";
    /** What `{{ $value ... }}` renders to. */
    value?: string;
}

export interface Check {
    at: string;
    firing: Firing[];
}

export function ruleFor(spec: PrometheusRuleSpec, alert: string, severity: string): AlertingRule {
    const rules = spec.groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => "alert" in r && r.alert === alert && r.labels.severity === severity);
    expect(rules, `${alert} with severity ${severity}`).to.have.length(1);
    return rules[0];
}

/** The labels an alert carries: those its expression yields plus the rule's own. */
export function exprLabels(t: SloTarget, alert: AlertName): Record<string, string> {
    const svc = { namespace: t.namespace, service: t.serviceName };
    switch (alert) {
        case ALERT_NAMES.ttftBurn:
        case ALERT_NAMES.tpotBurn:
        case ALERT_NAMES.queueAtMax:
            return { ...svc, model_name: t.servedModelName };
        case ALERT_NAMES.errorBurn:
        case ALERT_NAMES.metricsAbsent:
            return svc;
        case ALERT_NAMES.hpaMetricUnavailable:
            return { namespace: t.namespace, horizontalpodautoscaler: t.hpaName ?? "" };
    }
}

export function expectedAlert(spec: PrometheusRuleSpec, t: SloTarget, f: Firing) {
    const rule = ruleFor(spec, f.alert, f.severity);
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(rule.annotations)) {
        annotations[k] = v.replace(/\{\{\s*\$value[^}]*\}\}/g, () => {
            if (f.value === undefined) throw new Error(`${f.alert}: annotation ${k} shows $value; the check must say what it renders to`);
            return f.value;
        });
    }
    return { exp_labels: { ...exprLabels(t, f.alert), ...rule.labels }, exp_annotations: annotations };
}

export function alertTests(spec: PrometheusRuleSpec, t: SloTarget, checks: Check[]) {
    const out: unknown[] = [];
    for (const c of checks) {
        for (const alertname of Object.values(ALERT_NAMES)) {
            out.push({
                eval_time: c.at,
                alertname,
                exp_alerts: c.firing.filter((f) => f.alert === alertname).map((f) => expectedAlert(spec, t, f)),
            });
        }
    }
    return out;
}

export interface Scenario {
    title: string;
    world: World;
    checks: Check[];
    exprs?: Array<{ expr: string; at: string; samples: Array<{ labels: string; value: number }> }>;
}

export function testFile(spec: PrometheusRuleSpec, slo: ResolvedSlo, t: SloCase["target"], s: Scenario) {
    return {
        rule_files: ["rules.yaml"],
        evaluation_interval: "1m",
        // Recording rules first, so alerts read this minute's SLIs (deterministic $value).
        group_eval_order: spec.groups.map((g) => g.name),
        tests: [
            {
                interval: "1m",
                input_series: inputSeries(slo, t, s.world),
                alert_rule_test: alertTests(spec, t, s.checks),
                promql_expr_test: (s.exprs ?? []).map((e) => ({ expr: e.expr, eval_time: e.at, exp_samples: e.samples })),
            },
        ],
    };
}
