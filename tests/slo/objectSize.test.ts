/**
 * The size check on generated objects: the PrometheusRule (every alert label is copied onto every
 * alert) against the size prometheus-operator accepts for one PrometheusRule, the dashboard ConfigMap against the
 * API server's ConfigMap and object limits. Errors name the key that makes the object large.
 */
import { expect } from "chai";
import * as YAML from "yaml";
import {
    CONFIGMAP_DATA_MAX_BYTES,
    LARGEST_TARGET,
    OBJECT_MAX_BYTES,
    RULE_FILE_MAX_BYTES,
    SLO_DEFAULTS,
    SloArgs,
    buildPrometheusRuleSpec,
    generatedSizeProblems,
    prometheusRuleBytes,
    renderDashboardJson,
    resolveSlo,
} from "../../components/slo";
import { CASES, resolved } from "./fixtures";

function problemsOf(args: SloArgs): string[] {
    const problems: string[] = [];
    resolveSlo(args, problems);
    return problems;
}

/** `n` alert labels, each name and value `width` characters long. */
function manyLabels(n: number, width: number, prefix = "l"): Record<string, string> {
    return Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`.padEnd(width, "_"), "v".repeat(width)]));
}

describe("SLO generated object sizes", () => {
    it("bounds the PrometheusRule's YAML and JSON from above, within 25%, without rendering YAML or the labels", () => {
        const targets = [...CASES.map((c) => c.target), LARGEST_TARGET, { ...CASES[0].target, hpaName: undefined }];
        for (const target of targets) {
            for (const alertLabels of [{}, { team: "ml-platform", route: "{{ $labels.namespace }}", ü: "ß\"" }, manyLabels(300, 40)]) {
                const slo = { ...resolved(CASES[1]), alertLabels };
                const spec = buildPrometheusRuleSpec(slo, target);
                const rendered = Math.max(Buffer.byteLength(YAML.stringify(spec)), Buffer.byteLength(JSON.stringify(spec)));
                const counted = prometheusRuleBytes(slo, target).total;
                expect(counted, `${target.namespace}, ${Object.keys(alertLabels).length} labels`).to.be.at.least(rendered).and.below(rendered * 1.25);
            }
        }
    });

    it("leaves room for the longest names with the defaults (the figures the check works with)", () => {
        const slo = { ...SLO_DEFAULTS, adapterNamespace: undefined, grafanaDashboardNamespace: undefined };
        const rule = prometheusRuleBytes(slo, LARGEST_TARGET);
        const dashboard = Buffer.byteLength(renderDashboardJson(slo, LARGEST_TARGET));
        console.log(`      measured: PrometheusRule ${(rule.total / 1024).toFixed(1)} KiB of ${RULE_FILE_MAX_BYTES / 1024} KiB (${rule.alerts} alerts), ` +
            `dashboard JSON ${(dashboard / 1024).toFixed(1)} KiB of ${CONFIGMAP_DATA_MAX_BYTES / 1024} KiB, longest names`);
        expect(generatedSizeProblems(slo)).to.deep.equal([]);
        expect(rule.total).to.be.below(RULE_FILE_MAX_BYTES / 4);
    });

    it("refuses alert labels that would make the PrometheusRule larger than prometheus-operator loads, naming alertLabels", () => {
        expect(problemsOf({ alertLabels: manyLabels(100, 100) })).to.deep.equal([]); // 100 routing labels of 100 characters fit
        // 2,000 labels of 200 characters: 800 KB copied onto 9 alerts, counted without rendering them.
        expect(problemsOf({ alertLabels: manyLabels(2000, 200) })).to.deep.equal([
            "alertLabels: make the PrometheusRule about 7.19 MiB, over the 512 KiB prometheus-operator accepts (it rejects a larger one, " +
                "every alert with it): the 2000 labels (812.5 KiB) are copied onto each of the 9 alerts; keep routing labels few and short",
        ]);
    });

    it("does not count the rule when it is switched off", () => {
        expect(problemsOf({ prometheusRuleEnabled: false, alertLabels: manyLabels(2000, 200) })).to.deep.equal([]);
    });

    it("refuses dashboard labels that would make its ConfigMap larger than the API server stores, naming grafanaDashboardLabels", () => {
        const labels = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`${"a".repeat(200)}.example.com/${`dash-${i}`.padEnd(63, "x")}`, "v".repeat(63)]));
        const problems = problemsOf({ grafanaDashboardLabels: labels });
        expect(problems).to.have.length(1);
        expect(problems[0]).to.match(/^grafanaDashboardLabels: make the dashboard ConfigMap 1\.\d\d MiB, over the 1\.5 MiB the API server can store \(etcd's request limit\)/);
        expect(problemsOf({ grafanaDashboardEnabled: false, grafanaDashboardLabels: labels })).to.deep.equal([]);
        expect(OBJECT_MAX_BYTES).to.equal(1.5 * 1024 * 1024);
    });

    it("refuses a dashboard whose JSON would not fit in a ConfigMap (names longer than any valid ones)", () => {
        const slo = { ...SLO_DEFAULTS, adapterNamespace: undefined, grafanaDashboardNamespace: undefined, prometheusRuleEnabled: false };
        const huge = { ...LARGEST_TARGET, servedModelName: "m".repeat(60_000) };
        expect(generatedSizeProblems(slo, huge)).to.deep.equal([
            `grafanaDashboardEnabled: the dashboard JSON is ${Number((Buffer.byteLength(renderDashboardJson(slo, huge)) / 1024 / 1024).toFixed(2))} MiB, over the 1 MiB a ConfigMap holds`,
        ]);
    });
});
