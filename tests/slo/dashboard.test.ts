/**
 * The Grafana dashboard: the panels on-call needs, queries that reference only metrics that exist
 * in vLLM 0.11 or kube-state-metrics, valid PromQL (checked by promtool), and its ConfigMap.
 */
import { expect } from "chai";
import {
    KSM,
    VLLM_HIDDEN_IN_0_11,
    buildDashboard,
    buildDashboardConfigMap,
    dashboardExpressions,
    dashboardUid,
    knownSeriesNames,
    metricNamesIn,
    recordingRuleNames,
    referencedMetricNames,
    renderDashboardJson,
} from "../../components/slo";
import { CASES, resolved } from "./fixtures";
import { promtoolPath, runPromtool } from "./promtool";

describe("SLO Grafana dashboard", function () {
    this.timeout(120_000);

    describe("metricNamesIn (PromQL identifiers)", () => {
        const cases: Array<[string, string[]]> = [
            ['histogram_quantile(0.99, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{model_name="m", le=~"0.5|1.0"}[$__rate_interval])))', ["vllm:time_to_first_token_seconds_bucket"]],
            ["sum without (pod, engine) (a_metric) / on (namespace) group_left (node) b:rec:ratio offset 5m", ["a_metric", "b:rec:ratio"]],
            ['x > bool 1e-3 and y unless z or count_values("v", w) > Inf', ["w", "x", "y", "z"]],
            ['{__name__="weird:name", job="j"} + vector(0) + sum by (namespace) (up{job="a:b"})', ["up", "weird:name"]],
            ['label_replace(m1, "dst", "$1", "src", "(.*)") * rate(m2[5m:1m])', ["m1", "m2"]],
            ["sum(rate(x_total[${interval}])) / max(kube_x{a=\"${var}\"})", ["kube_x", "x_total"]],
        ];
        for (const [expr, names] of cases) {
            it(`finds ${names.join(", ")} in ${expr.slice(0, 60)}...`, () => {
                expect(metricNamesIn(expr)).to.deep.equal(names);
            });
        }
    });

    for (const c of CASES) {
        describe(c.name, () => {
            const slo = resolved(c);
            const d = buildDashboard(slo, c.target);
            const exprs = dashboardExpressions(d);

            it("has the panels on-call opens first", () => {
                const titles = d.panels.map((p) => p.title).join("\n");
                for (const want of [/first token.*SLO target/i, /output token.*SLO target/i, /waiting vs running vs HPA target/i, /Replicas/, /KV-cache/, /Tokens per second/, /error rate/i]) {
                    expect(titles).to.match(want);
                }
                expect(new Set(d.panels.map((p) => p.id)).size).to.equal(d.panels.length);
            });

            it("draws the SLO targets and the HPA target as threshold lines", () => {
                const threshold = (title: RegExp) => {
                    const p = d.panels.find((x) => title.test(x.title))!;
                    const t = p.fieldConfig.defaults.thresholds as { steps: Array<{ value: number | null }> };
                    return t.steps[t.steps.length - 1].value;
                };
                expect(threshold(/first token/)).to.equal(slo.ttftTargetSeconds);
                expect(threshold(/output token/)).to.equal(slo.tpotTargetSeconds);
                expect(threshold(/HPA target/)).to.equal(c.target.queueTarget);
                expect(threshold(/compliance/)).to.equal(slo.sloObjective);
            });

            it("references only metrics that exist in vLLM 0.11, kube-state-metrics or Prometheus", () => {
                const known = knownSeriesNames();
                const names = referencedMetricNames(exprs);
                expect(names).to.include.members([
                    "vllm:time_to_first_token_seconds_bucket",
                    "vllm:inter_token_latency_seconds_bucket",
                    "vllm:num_requests_waiting",
                    "vllm:num_requests_running",
                    "vllm:kv_cache_usage_perc",
                    "vllm:generation_tokens_total",
                    KSM.hpaCurrentReplicas,
                ]);
                for (const n of names) {
                    expect(known.has(n), `${n} is not a metric of vLLM 0.11 / kube-state-metrics`).to.equal(true);
                    expect(VLLM_HIDDEN_IN_0_11).to.not.have.property(n);
                }
                // Independent of the PrometheusRule: works when it is switched off.
                for (const r of recordingRuleNames()) expect(names).to.not.include(r);
            });

            it("scopes every vLLM query to the service's namespace, service and model", () => {
                for (const e of exprs.filter((x) => /(^|[^"])vllm:/.test(x))) {
                    expect(e).to.contain(`namespace="${c.target.namespace}", service="${c.target.serviceName}", model_name="${c.target.servedModelName}"`);
                }
            });

            it("every query is valid PromQL (promtool check rules) @integration", async () => {
                promtoolPath();
                const rules = {
                    groups: [
                        {
                            name: "dashboard",
                            rules: exprs.map((e, i) => ({ record: `dashboard:q${i}`, expr: e.replace(/\$__rate_interval/g, "5m") })),
                        },
                    ],
                };
                const r = await runPromtool({ "dashboard-queries.yaml": rules }, ["check", "rules", "dashboard-queries.yaml"]);
                expect(r.status, r.output).to.equal(0);
            });

            it("is importable JSON with a stable uid of at most 40 characters and a datasource variable", () => {
                const parsed = JSON.parse(renderDashboardJson(slo, c.target));
                expect(parsed.uid).to.equal(dashboardUid(c.target)).and.have.length.at.most(40);
                expect(parsed.templating.list[0]).to.include({ name: "datasource", type: "datasource", query: "prometheus" });
                for (const p of parsed.panels) expect(p.datasource.uid).to.equal("${datasource}");
            });

            it("ships in a ConfigMap labelled for the Grafana sidecar", () => {
                const cm = buildDashboardConfigMap(slo, c.target, { app: "vllm" });
                expect(cm.metadata.labels).to.deep.equal({ app: "vllm", ...slo.grafanaDashboardLabels });
                expect(cm.metadata.namespace).to.equal(slo.grafanaDashboardNamespace ?? c.target.namespace);
                expect(Object.keys(cm.data)).to.deep.equal([`${dashboardUid(c.target)}.json`]);
                expect(JSON.parse(Object.values(cm.data)[0]).title).to.equal(`vLLM ${c.target.namespace}/${c.target.serviceName}`);
            });
        });
    }

    it("without an HPA (autoscaling off) shows no HPA series", () => {
        const c = CASES[0];
        const d = buildDashboard(resolved(c), { ...c.target, hpaName: undefined });
        const exprs = dashboardExpressions(d).join("\n");
        expect(exprs).to.not.contain("horizontalpodautoscaler");
        expect(exprs).to.contain(KSM.deploymentReplicasAvailable);
    });

    it("uids stay unique and short for long names", () => {
        const t = { ...CASES[0].target, namespace: "a-very-long-namespace-name-for-serving", serviceName: "an-equally-long-service-name" };
        const u1 = dashboardUid(t);
        const u2 = dashboardUid({ ...t, serviceName: `${t.serviceName}-2` });
        expect(u1).to.have.length.at.most(40);
        expect(u1).to.not.equal(u2);
    });
});
