/**
 * The PrometheusRule, tested with the real Prometheus tooling: `promtool check rules` on the
 * rendered rules, and `promtool test rules` with synthetic series showing each alert fire when
 * it should and stay silent when it should not. promtool is installed by
 * scripts/ensure-promtool.sh when missing; the tests fail (not skip) if it cannot be.
 */
import { expect } from "chai";
import {
    ALERT_NAMES,
    AlertingRule,
    BURN_RATE_POLICY,
    RECORDS,
    ResolvedSlo,
    SLI_WINDOWS,
    VLLM_HIDDEN_IN_0_11,
    buildPrometheusRuleSpec,
    burnRateThreshold,
    knownSeriesNames,
    leLabel,
    metricNamesIn,
    recordingRuleNames,
} from "../../components/slo";
import { CASES, SloCase, resolved } from "./fixtures";
import { RunResult, pool, promtoolPath, runPromtool, series } from "./promtool";
import { AlertName, Firing, HEALTHY, HORIZON, REQS, Scenario, pct, testFile } from "./ruleScenarios";

/** The scenarios every SLO case runs: a world, and which alerts fire when. */
function scenarios(slo: ResolvedSlo, t: SloCase["target"]): Scenario[] {
    const pageAndTicket = (alert: AlertName, value: string): Firing[] => [
        { alert, severity: "critical", value },
        { alert, severity: "warning", value },
    ];
    const q = t.queueTarget;
    const m = { namespace: t.namespace, service: t.serviceName, model_name: t.servedModelName };
    const lbl = (name: string, labels: Record<string, string>) => series(name, labels);

    // A slow burn must sit between the lowest ticket threshold and the lowest page threshold.
    const budget = 1 - slo.sloObjective;
    const thr = (p: (typeof BURN_RATE_POLICY)[number]) => burnRateThreshold(slo.sloWindowDays, p.longHours, p.budgetShare) * budget;
    const pageMin = Math.min(...BURN_RATE_POLICY.filter((p) => p.severity === "page").map(thr));
    const ticketMin = Math.min(...BURN_RATE_POLICY.filter((p) => p.severity === "ticket").map(thr));
    const slow = 0.02;
    expect(slow, "slow-burn test ratio").to.be.above(ticketMin).and.below(pageMin);
    expect(HEALTHY, "healthy test ratio").to.be.below(ticketMin);

    return [
        {
            title: "healthy service: no alert fires, and the SLIs read as expected",
            world: {},
            checks: ["2m", "10m", "1h", "2h"].map((at) => ({ at, firing: [] })),
            exprs: [
                { expr: `${RECORDS.waitingSum}`, at: "30m", samples: [{ labels: lbl(RECORDS.waitingSum, m), value: 2 }] },
                { expr: `${RECORDS.runningSum}`, at: "30m", samples: [{ labels: lbl(RECORDS.runningSum, m), value: 20 }] },
                { expr: `${RECORDS.waitingPerPod}`, at: "30m", samples: [{ labels: lbl(RECORDS.waitingPerPod, m), value: 1 }] },
                { expr: `${RECORDS.saturation}`, at: "30m", samples: [{ labels: lbl(RECORDS.saturation, m), value: 20 / 22 }] },
                { expr: `round(${RECORDS.ttftCompliance("5m")}, 0.0001)`, at: "30m", samples: [{ labels: series("", m), value: 0.999 }] },
                { expr: `round(${RECORDS.tpotCompliance("1h")}, 0.0001)`, at: "90m", samples: [{ labels: series("", m), value: 0.999 }] },
                // 1 5xx per 1000 requests, plus /v1/models calls: 2 / (2000 + 20)
                { expr: `round(${RECORDS.errorRatio("3d")}, 0.000001)`, at: "2h", samples: [{ labels: series("", { namespace: t.namespace, service: t.serviceName }), value: 0.00099 }] },
            ],
        },
        {
            title: "no 5xx at all: the error ratio is 0, not missing",
            world: { phases: [{ minutes: HORIZON, errBad: null }] },
            checks: [{ at: "1h", firing: [] }],
            exprs: SLI_WINDOWS.map((w) => ({
                expr: RECORDS.errorRatio(w),
                at: "1h",
                samples: [{ labels: lbl(RECORDS.errorRatio(w), { namespace: t.namespace, service: t.serviceName }), value: 0 }],
            })),
        },
        {
            title: "TTFT fast burn (20% slow): pages (and tickets) within minutes",
            world: { phases: [{ minutes: HORIZON, ttftBad: 0.2 }] },
            checks: [
                { at: "2m", firing: [] }, // pending: `for: 2m`
                { at: "30m", firing: pageAndTicket(ALERT_NAMES.ttftBurn, "20%") },
                { at: "2h", firing: pageAndTicket(ALERT_NAMES.ttftBurn, "20%") },
            ],
        },
        {
            title: "TTFT fast burn that stops after 1h: the page resets within minutes, the ticket stays",
            world: {
                phases: [
                    { minutes: 60, ttftBad: 0.2 },
                    { minutes: HORIZON - 60, ttftBad: HEALTHY },
                ],
            },
            checks: [
                { at: "50m", firing: pageAndTicket(ALERT_NAMES.ttftBurn, "20%") },
                { at: "90m", firing: [{ alert: ALERT_NAMES.ttftBurn, severity: "warning", value: pct((60 * 0.2 + 30 * HEALTHY) / 90) }] },
            ],
        },
        {
            title: `TTFT slow burn (${slow * 100}% slow): tickets, never pages`,
            world: { phases: [{ minutes: HORIZON, ttftBad: slow }] },
            checks: [
                { at: "10m", firing: [] }, // pending: `for: 15m`
                { at: "1h", firing: [{ alert: ALERT_NAMES.ttftBurn, severity: "warning", value: "2%" }] },
                { at: "2h", firing: [{ alert: ALERT_NAMES.ttftBurn, severity: "warning", value: "2%" }] },
            ],
        },
        {
            title: "TPOT fast burn (20% of tokens slow): pages",
            world: { phases: [{ minutes: HORIZON, tpotBad: 0.2 }] },
            checks: [{ at: "30m", firing: pageAndTicket(ALERT_NAMES.tpotBurn, "20%") }],
        },
        {
            title: `TPOT slow burn (${slow * 100}%): tickets, never pages`,
            world: { phases: [{ minutes: HORIZON, tpotBad: slow }] },
            checks: [{ at: "2h", firing: [{ alert: ALERT_NAMES.tpotBurn, severity: "warning", value: "2%" }] }],
        },
        {
            title: "error fast burn (20% 5xx): pages",
            world: { phases: [{ minutes: HORIZON, errBad: 0.2 }] },
            // 400 5xx of 2000 + 20 /v1/models requests per minute
            checks: [{ at: "30m", firing: pageAndTicket(ALERT_NAMES.errorBurn, pct(200 / (REQS + 10))) }],
        },
        {
            title: `queue above the HPA target (${q + 3} > ${q} per pod) with the HPA at maxReplicas: capacity alert`,
            world: { waiting: q + 3, hpaCurrent: t.maxReplicas },
            checks: [
                { at: "10m", firing: [] }, // pending: `for: 15m`
                { at: "20m", firing: [{ alert: ALERT_NAMES.queueAtMax, severity: "warning", value: (q + 3).toFixed(1) }] },
            ],
        },
        {
            title: "queue above the HPA target but below maxReplicas: the HPA can still scale, no alert",
            world: { waiting: q + 3, hpaCurrent: t.maxReplicas - 1 },
            checks: [{ at: "30m", firing: [] }],
        },
        {
            title: "HPA at maxReplicas with the queue at or below target: no alert",
            world: { waiting: q, hpaCurrent: t.maxReplicas },
            checks: [{ at: "30m", firing: [] }],
        },
        {
            title: "HPA cannot read vllm:num_requests_waiting (ScalingActive=false): alert after 10m",
            world: { scalingActive: false },
            checks: [
                { at: "5m", firing: [] },
                { at: "15m", firing: [{ alert: ALERT_NAMES.hpaMetricUnavailable, severity: "warning" }] },
            ],
        },
        {
            title: "Prometheus has no vLLM series (not scraped): metrics-absent alert after 30m, nothing else",
            world: { noVllm: true },
            checks: [
                { at: "20m", firing: [] },
                { at: "40m", firing: [{ alert: ALERT_NAMES.metricsAbsent, severity: "warning" }] },
            ],
        },
    ];
}

// --- tests ----------------------------------------------------------------------------------

describe("SLO PrometheusRule (promtool) @integration", function () {
    this.timeout(300_000);

    before(function () {
        promtoolPath(); // installs promtool if missing; fails the suite clearly if it cannot
    });

    for (const c of CASES) {
        describe(c.name, () => {
            const slo = resolved(c);
            const spec = buildPrometheusRuleSpec(slo, c.target);
            const all = scenarios(slo, c.target);
            let check: RunResult;
            let results: RunResult[];

            // Run promtool for every scenario up front, in parallel (one per CPU); the its below assert.
            before(async () => {
                const jobs = [
                    () => runPromtool({ "rules.yaml": spec }, ["check", "rules", "rules.yaml"]),
                    ...all.map((s) => () => runPromtool({ "rules.yaml": spec, "test.yaml": testFile(spec, slo, c.target, s) }, ["test", "rules", "test.yaml"])),
                ];
                [check, ...results] = await pool(jobs);
            });

            it("promtool check rules passes on the rendered rules", () => {
                expect(check.status, check.output).to.equal(0);
                expect(check.output).to.match(/SUCCESS: \d+ rules found/);
            });

            all.forEach((s, i) => {
                it(`promtool test rules: ${s.title}`, () => {
                    expect(results[i].status, `promtool test rules failed:\n${results[i].output}`).to.equal(0);
                });
            });
        });
    }
});

describe("SLO PrometheusRule (structure)", () => {
    it("leaves the HPA alerts out when autoscaling is off (no hpaName), keeping the SLO and metrics-absent alerts", () => {
        const c = CASES[0];
        const spec = buildPrometheusRuleSpec(resolved(c), { ...c.target, hpaName: undefined });
        const names = spec.groups.flatMap((g) => g.rules).flatMap((r) => ("alert" in r ? [r.alert] : []));
        expect(names).to.not.include.members([ALERT_NAMES.queueAtMax]);
        expect(names).to.not.include(ALERT_NAMES.hpaMetricUnavailable);
        expect(names).to.include.members([ALERT_NAMES.ttftBurn, ALERT_NAMES.tpotBurn, ALERT_NAMES.errorBurn, ALERT_NAMES.metricsAbsent]);
        expect(JSON.stringify(spec)).to.not.contain("horizontalpodautoscaler");
    });

    for (const c of CASES) {
        describe(c.name, () => {
            const slo = resolved(c);
            const spec = buildPrometheusRuleSpec(slo, c.target);
            const rules = spec.groups.flatMap((g) => g.rules);
            const alerts = rules.filter((r): r is AlertingRule => "alert" in r);

            it("every alert has severity, summary, description and a runbook_url", () => {
                expect(alerts.length).to.be.greaterThan(0);
                for (const a of alerts) {
                    expect(a.labels.severity, a.alert).to.be.oneOf(["critical", "warning"]);
                    expect(a.annotations.summary, a.alert).to.be.a("string").and.not.empty;
                    expect(a.annotations.description, a.alert).to.be.a("string").and.not.empty;
                    expect(a.annotations.runbook_url, a.alert).to.equal(`${slo.runbookBaseUrl}#${a.alert.toLowerCase()}`);
                    for (const [k, v] of Object.entries(slo.alertLabels)) expect(a.labels[k], `${a.alert} ${k}`).to.equal(v);
                }
            });

            it("has every alert of the catalogue: burn alerts as a page and a ticket, capacity alerts once", () => {
                const count = (name: string) => alerts.filter((a) => a.alert === name).length;
                for (const n of [ALERT_NAMES.ttftBurn, ALERT_NAMES.tpotBurn, ALERT_NAMES.errorBurn]) {
                    expect(alerts.filter((a) => a.alert === n).map((a) => a.labels.severity)).to.have.members(["critical", "warning"]);
                }
                for (const n of [ALERT_NAMES.queueAtMax, ALERT_NAMES.hpaMetricUnavailable, ALERT_NAMES.metricsAbsent]) expect(count(n), n).to.equal(1);
            });

            it("records each SLI over every window the burn-rate alerts read, once", () => {
                const recorded = rules.filter((r) => "record" in r).map((r) => (r as { record: string }).record);
                expect(recorded).to.have.members(recordingRuleNames());
                expect(new Set(recorded).size).to.equal(recorded.length);
                expect(SLI_WINDOWS).to.deep.equal(["5m", "30m", "1h", "2h", "6h", "1d", "3d"]);
            });

            it("keeps the recipe's PromQL shape, scoped to this service and model", () => {
                const byRecord = (name: string) => rules.find((r) => "record" in r && r.record === name)!.expr;
                const m = `namespace="${c.target.namespace}", service="${c.target.serviceName}", model_name="${c.target.servedModelName}"`;
                expect(byRecord(RECORDS.ttftCompliance("5m"))).to.equal(
                    `sum by (namespace, service, model_name) (rate(vllm:time_to_first_token_seconds_bucket{${m}, le="${leLabel(slo.ttftTargetSeconds)}"}[5m]))\n` +
                        `/\n` +
                        `sum by (namespace, service, model_name) (rate(vllm:time_to_first_token_seconds_count{${m}}[5m]))`,
                );
                expect(byRecord(RECORDS.waitingSum)).to.equal(`sum by (namespace, service, model_name) (vllm:num_requests_waiting{${m}})`);
                expect(byRecord(RECORDS.saturation)).to.equal(
                    `sum by (namespace, service, model_name) (vllm:num_requests_running{${m}})\n/\n` +
                        `(sum by (namespace, service, model_name) (vllm:num_requests_running{${m}}) + sum by (namespace, service, model_name) (vllm:num_requests_waiting{${m}}))`,
                );
            });

            it("references only metrics of vLLM 0.11, kube-state-metrics, Prometheus or its own recording rules", () => {
                const known = knownSeriesNames();
                const own = new Set(recordingRuleNames());
                for (const r of rules) {
                    for (const name of metricNamesIn(r.expr)) {
                        expect(known.has(name) || own.has(name), `${name} in:\n${r.expr}`).to.equal(true);
                        expect(VLLM_HIDDEN_IN_0_11, name).to.not.have.property(name);
                        expect(name, "deprecated in 0.11").to.not.match(/time_per_output_token/);
                    }
                }
            });

            it("derives the burn-rate thresholds from the SLO window (30 days gives the SRE Workbook's 14.4/6/3/1)", () => {
                expect(BURN_RATE_POLICY.map((p) => burnRateThreshold(30, p.longHours, p.budgetShare))).to.deep.equal([14.4, 6, 3, 1]);
                const page = alerts.find((a) => a.alert === ALERT_NAMES.ttftBurn && a.labels.severity === "critical")!;
                const budget = Number((1 - slo.sloObjective).toPrecision(10));
                const factor = Number(burnRateThreshold(slo.sloWindowDays, 1, 0.02).toPrecision(4));
                expect(page.expr).to.contain(`> (${factor} * ${budget})`);
            });
        });
    }
});
