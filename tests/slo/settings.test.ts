/**
 * Validation of the SLO settings: defaults, and one test per bad value, each asserting the
 * message names the (config) key to fix.
 */
import { expect } from "chai";
import { ITL_BUCKETS, SLO_DEFAULTS, SloArgs, TTFT_BUCKETS, resolveSlo } from "../../components/slo";

function problemsOf(args: SloArgs): string[] {
    const problems: string[] = [];
    resolveSlo(args, problems);
    return problems;
}

describe("SLO settings (resolveSlo)", () => {
    it("applies every default with no problem", () => {
        const problems: string[] = [];
        const slo = resolveSlo({}, problems);
        expect(problems).to.deep.equal([]);
        expect(slo).to.deep.equal({ ...SLO_DEFAULTS, adapterNamespace: undefined, grafanaDashboardNamespace: undefined });
        expect(SLO_DEFAULTS).to.include({ sloObjective: 0.99, sloWindowDays: 28, ttftTargetSeconds: 0.5, tpotTargetSeconds: 0.1 });
    });

    it("keeps valid values, including every bucket bound as a target", () => {
        for (const b of TTFT_BUCKETS) expect(problemsOf({ ttftTargetSeconds: b }), `ttft ${b}`).to.deep.equal([]);
        for (const b of ITL_BUCKETS) expect(problemsOf({ tpotTargetSeconds: b }), `tpot ${b}`).to.deep.equal([]);
        const problems: string[] = [];
        const slo = resolveSlo(
            {
                prometheusRuleEnabled: false,
                sloObjective: 0.995,
                sloWindowDays: 30,
                ttftTargetSeconds: 1,
                tpotTargetSeconds: 0.05,
                runbookBaseUrl: "https://wiki.example.com/runbooks/vllm",
                alertLabels: { team: "ml-platform" },
                adapterConfigMapEnabled: false,
                adapterNamespace: "monitoring",
                grafanaDashboardEnabled: true,
                grafanaDashboardLabels: { grafana_dashboard: "1", "example.com/team": "ml" },
                grafanaDashboardNamespace: "grafana",
            },
            problems,
        );
        expect(problems).to.deep.equal([]);
        expect(slo).to.include({ sloObjective: 0.995, sloWindowDays: 30, ttftTargetSeconds: 1, adapterNamespace: "monitoring", prometheusRuleEnabled: false });
    });

    const cases: Array<[title: string, args: SloArgs, key: keyof SloArgs, pattern: RegExp]> = [
        [
            "ttftTargetSeconds not a bucket bound",
            { ttftTargetSeconds: 0.4 },
            "ttftTargetSeconds",
            /^ttftTargetSeconds: 0\.4 is not a bucket bound of vllm:time_to_first_token_seconds \(0\.001, 0\.005, .*0\.25, 0\.5, 0\.75, 1, 2\.5.*2560\)/,
        ],
        ["ttftTargetSeconds not positive", { ttftTargetSeconds: -1 }, "ttftTargetSeconds", /must be a number of seconds > 0/],
        ["ttftTargetSeconds a string", { ttftTargetSeconds: "0.5" as unknown as number }, "ttftTargetSeconds", /must be a number of seconds > 0, got "0\.5"/],
        [
            "tpotTargetSeconds not a bucket bound",
            { tpotTargetSeconds: 0.09 },
            "tpotTargetSeconds",
            /^tpotTargetSeconds: 0\.09 is not a bucket bound of vllm:inter_token_latency_seconds \(0\.01, 0\.025/,
        ],
        ["sloObjective of 1 (no error budget)", { sloObjective: 1 }, "sloObjective", /strictly between 0 and 1/],
        ["sloObjective as a percentage", { sloObjective: 99 }, "sloObjective", /strictly between 0 and 1 \(e\.g\. 0\.99 for 99%\), got 99/],
        ["sloObjective of 0", { sloObjective: 0 }, "sloObjective", /strictly between 0 and 1/],
        ["sloObjective too loose for a fast page", { sloObjective: 0.9 }, "sloObjective", /0\.9 leaves an error budget of 10%.*could never fire; use an objective of at least 0\.9256/],
        ["sloWindowDays too short for the 3d alert window", { sloWindowDays: 3 }, "sloWindowDays", /between 7 and 90, got 3/],
        ["sloWindowDays not whole", { sloWindowDays: 28.5 }, "sloWindowDays", /whole number of days/],
        ["runbookBaseUrl not a URL", { runbookBaseUrl: "wiki/runbooks" }, "runbookBaseUrl", /absolute http\(s\) URL/],
        ["runbookBaseUrl with a fragment", { runbookBaseUrl: "https://x.example.com/r#top" }, "runbookBaseUrl", /without a #fragment/],
        ["runbookBaseUrl not http", { runbookBaseUrl: "ftp://x.example.com/r" }, "runbookBaseUrl", /absolute http\(s\) URL/],
        ["alertLabels overriding severity", { alertLabels: { severity: "info" } }, "alertLabels", /"severity" is set by the alert rules/],
        ["alertLabels invalid name", { alertLabels: { "team-name": "x" } }, "alertLabels", /"team-name" is not a valid Prometheus label name/],
        ["alertLabels reserved __ prefix", { alertLabels: { __x: "x" } }, "alertLabels", /not a valid Prometheus label name/],
        ["alertLabels non-string value", { alertLabels: { team: 1 as unknown as string } }, "alertLabels", /value of "team" must be a string/],
        ["alertLabels not a map", { alertLabels: ["team=x"] as unknown as Record<string, string> }, "alertLabels", /must be a map/],
        ["grafanaDashboardLabels invalid key", { grafanaDashboardLabels: { "bad key!": "1" } }, "grafanaDashboardLabels", /not a valid Kubernetes label key/],
        ["grafanaDashboardLabels invalid value", { grafanaDashboardLabels: { grafana_dashboard: "a b" } }, "grafanaDashboardLabels", /not a valid Kubernetes label value/],
        ["grafanaDashboardLabels empty while enabled", { grafanaDashboardLabels: {} }, "grafanaDashboardLabels", /at least one label.*sidecar finds dashboards by label/],
        ["adapterNamespace invalid", { adapterNamespace: "Monitoring_NS" }, "adapterNamespace", /not a valid namespace name/],
        ["grafanaDashboardNamespace invalid", { grafanaDashboardNamespace: "-grafana" }, "grafanaDashboardNamespace", /not a valid namespace name/],
        ["prometheusRuleEnabled not a boolean", { prometheusRuleEnabled: "yes" as unknown as boolean }, "prometheusRuleEnabled", /must be true or false, got "yes"/],
        ["adapterConfigMapEnabled not a boolean", { adapterConfigMapEnabled: 1 as unknown as boolean }, "adapterConfigMapEnabled", /must be true or false/],
        ["grafanaDashboardEnabled not a boolean", { grafanaDashboardEnabled: "false" as unknown as boolean }, "grafanaDashboardEnabled", /must be true or false/],
    ];
    for (const [title, args, key, pattern] of cases) {
        it(`rejects ${title}, naming ${key}`, () => {
            const problems = problemsOf(args);
            expect(problems, JSON.stringify(problems)).to.have.length(1);
            expect(problems[0].startsWith(`${key}: `), problems[0]).to.equal(true);
            expect(problems[0]).to.match(pattern);
        });
    }

    it("an empty dashboard label map is fine when the dashboard is off", () => {
        expect(problemsOf({ grafanaDashboardEnabled: false, grafanaDashboardLabels: {} })).to.deep.equal([]);
    });

    it("collects every problem at once", () => {
        const problems = problemsOf({ ttftTargetSeconds: 0.3, tpotTargetSeconds: 0.3333, sloObjective: 2, sloWindowDays: 1, runbookBaseUrl: "x" });
        expect(problems.map((p) => p.split(":")[0])).to.deep.equal(["sloWindowDays", "sloObjective", "ttftTargetSeconds", "tpotTargetSeconds", "runbookBaseUrl"]);
    });

    it("the objective floor follows the SLO window (the fast page's burn rate grows with it)", () => {
        expect(problemsOf({ sloObjective: 0.928, sloWindowDays: 28 })).to.deep.equal([]); // 13.44x * 7.2% < 1
        expect(problemsOf({ sloObjective: 0.928, sloWindowDays: 30 })[0]).to.match(/^sloObjective: .*at least 0\.9306/); // 14.4x * 7.2% > 1
    });
});
