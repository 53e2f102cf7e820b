/**
 * Validation of the SLO settings: defaults, and one test per bad value asserting the whole
 * message (the key to fix first, then why), as the component's own checks word it.
 */
import { expect } from "chai";
import { ACCEPTED_TEMPLATES, ITL_BUCKETS, SLO_DEFAULTS, SloArgs, TTFT_BUCKETS, resolveSlo } from "../../components/slo";

function problemsOf(args: SloArgs): string[] {
    const problems: string[] = [];
    resolveSlo(args, problems);
    return problems;
}

/** Bad values in places the types forbid (as stack config or another language can pass them). */
const untyped = <T>(v: unknown) => v as T;

describe("SLO settings (resolveSlo)", () => {
    it("applies every default with no problem", () => {
        const problems: string[] = [];
        const slo = resolveSlo({}, problems);
        expect(problems).to.deep.equal([]);
        expect(slo).to.deep.equal({ ...SLO_DEFAULTS, adapterNamespace: undefined, grafanaDashboardNamespace: undefined });
        expect(SLO_DEFAULTS).to.include({ sloObjective: 0.99, sloWindowDays: 28, ttftTargetSeconds: 0.5, tpotTargetSeconds: 0.1 });
    });

    it("reads null as unset, like the rest of the component", () => {
        const problems: string[] = [];
        const slo = resolveSlo(untyped<SloArgs>({ sloObjective: null, alertLabels: null, adapterNamespace: null }), problems);
        expect(problems).to.deep.equal([]);
        expect(slo).to.include({ sloObjective: 0.99, adapterNamespace: undefined });
    });

    it("keeps valid values, including every bucket bound as a target", () => {
        for (const b of TTFT_BUCKETS) expect(problemsOf({ ttftTargetSeconds: b }), `ttft ${b}`).to.deep.equal([]);
        for (const b of ITL_BUCKETS) expect(problemsOf({ tpotTargetSeconds: b }), `tpot ${b}`).to.deep.equal([]);
        const problems: string[] = [];
        const args: SloArgs = {
            prometheusRuleEnabled: false,
            sloObjective: 0.995,
            sloWindowDays: 30,
            ttftTargetSeconds: 1,
            tpotTargetSeconds: 0.05,
            runbookBaseUrl: "https://wiki.example.com/runbooks/{{ $labels.namespace }}/vllm",
            alertLabels: { team: "ml-platform", cluster: "{{ $externalLabels.cluster }}" },
            queueAtMaxAlertMinutes: 0,
            metricsAbsentAlertMinutes: 1440,
            adapterConfigMapEnabled: false,
            adapterNamespace: "monitoring",
            grafanaDashboardEnabled: true,
            grafanaDashboardLabels: { grafana_dashboard: "1", "example.com/team": "ml", [`${"a".repeat(250)}.io/longest-prefix`]: "ok" },
            grafanaDashboardNamespace: "grafana",
        };
        const slo = resolveSlo(args, problems);
        expect(problems).to.deep.equal([]);
        expect(slo).to.deep.equal(args);
    });

    const x254 = "a".repeat(251) + ".io"; // one over the API server's 253 for a label key prefix
    const cases: Array<[title: string, args: SloArgs, message: string]> = [
        ["a TTFT target that is not a bucket bound", { ttftTargetSeconds: 0.4 },
            `ttftTargetSeconds: 0.4 is not a bucket bound of vllm:time_to_first_token_seconds (${TTFT_BUCKETS.join(", ")}); the SLI counts the le="0.4" bucket, so pick one of these`],
        ["a negative TTFT target", { ttftTargetSeconds: -1 }, "ttftTargetSeconds: must be a number > 0, got -1"],
        ["a TTFT target as a string", { ttftTargetSeconds: untyped("0.5") }, 'ttftTargetSeconds: must be a number > 0, got "0.5"'],
        ["an infinite TPOT target, shown as Infinity (not null)", { tpotTargetSeconds: Infinity }, "tpotTargetSeconds: must be a number > 0, got Infinity"],
        ["a TPOT target that is not a bucket bound", { tpotTargetSeconds: 0.09 },
            `tpotTargetSeconds: 0.09 is not a bucket bound of vllm:inter_token_latency_seconds (${ITL_BUCKETS.join(", ")}); the SLI counts the le="0.09" bucket, so pick one of these`],
        ["an objective of 1 (no error budget)", { sloObjective: 1 }, "sloObjective: must be a fraction strictly between 0 and 1 (e.g. 0.99 for 99%), got 1"],
        ["an objective as a percentage", { sloObjective: 99 }, "sloObjective: must be a fraction strictly between 0 and 1 (e.g. 0.99 for 99%), got 99"],
        ["an objective of NaN", { sloObjective: NaN }, "sloObjective: must be a fraction strictly between 0 and 1 (e.g. 0.99 for 99%), got NaN"],
        ["an objective too loose for a fast page", { sloObjective: 0.9 },
            "sloObjective: 0.9 leaves an error budget of 10%: the fast-burn page (13.44x over 1h) would need more than 100% bad events and could never fire; use an objective of at least 0.9256"],
        ["a window shorter than a week", { sloWindowDays: 3 }, "sloWindowDays: must be >= 7, got 3"],
        ["a window longer than a quarter", { sloWindowDays: 91 }, "sloWindowDays: must be <= 90 (SLO windows longer than a quarter are not supported), got 91"],
        ["a window of part days", { sloWindowDays: 28.5 }, "sloWindowDays: must be an integer, got 28.5"],
        ["an alert delay over a day", { queueAtMaxAlertMinutes: 1441 }, "queueAtMaxAlertMinutes: must be <= 1440 (a day), got 1441"],
        ["a negative alert delay", { metricsAbsentAlertMinutes: -1 }, "metricsAbsentAlertMinutes: must be >= 0, got -1"],
        ["a runbook that is not a URL", { runbookBaseUrl: "wiki/runbooks" },
            'runbookBaseUrl: must be an absolute http(s) URL without a #fragment (each alert appends #<alert>), got "wiki/runbooks"'],
        ["a runbook with a fragment", { runbookBaseUrl: "https://x.example.com/r#top" },
            'runbookBaseUrl: must be an absolute http(s) URL without a #fragment (each alert appends #<alert>), got "https://x.example.com/r#top"'],
        ["a runbook ending in an empty fragment", { runbookBaseUrl: "https://x.example.com/r#" },
            'runbookBaseUrl: must be an absolute http(s) URL without a #fragment (each alert appends #<alert>), got "https://x.example.com/r#"'],
        ["a runbook over ftp", { runbookBaseUrl: "ftp://x.example.com/r" },
            'runbookBaseUrl: must be an absolute http(s) URL without a #fragment (each alert appends #<alert>), got "ftp://x.example.com/r"'],
        ["an empty runbook", { runbookBaseUrl: "" }, 'runbookBaseUrl: must be a non-empty string, got ""'],
        ["a runbook with an unclosed template", { runbookBaseUrl: "https://x.example.com/{{ $labels.namespace" },
            'runbookBaseUrl: has "{{" without a closing "}}" (Prometheus would refuse the rule file)'],
        ["an alert label overriding severity", { alertLabels: { severity: "info" } }, 'alertLabels: "severity" is set by the alert rules themselves and cannot be overridden'],
        ["an alert label name with a dash", { alertLabels: { "team-name": "x" } },
            'alertLabels: "team-name" is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)'],
        ["an alert label name reserved to Prometheus", { alertLabels: { __x: "x" } },
            'alertLabels: "__x" is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)'],
        ["an alert label value that is not a string", { alertLabels: { team: untyped(1) } }, 'alertLabels: value of "team" must be a string, got 1'],
        ["an empty alert label value", { alertLabels: { team: "" } },
            'alertLabels: value of "team" is empty: Prometheus drops a label with an empty value, so no route would see it; remove the label or give it a value'],
        ["an alert label value with a template Prometheus cannot parse", { alertLabels: { team: "{{ .Foo" } },
            'alertLabels: value of "team" has "{{" without a closing "}}" (Prometheus would refuse the rule file)'],
        ["an alert label value with a template outside the accepted set", { alertLabels: { team: "{{ if $value }}x{{ end }}" } },
            `alertLabels: value of "team" has the template action "{{ if $value }}", which this component does not accept: Prometheus drops the whole rule group (every SLO alert) over one template it cannot parse. Accepted: ${ACCEPTED_TEMPLATES}`],
        ["a runbook with an unknown template function", { runbookBaseUrl: "https://x.example.com/{{ $labels.namespace | nosuch }}" },
            `runbookBaseUrl: has the template action "{{ $labels.namespace | nosuch }}", which this component does not accept: Prometheus drops the whole rule group (every SLO alert) over one template it cannot parse. Accepted: ${ACCEPTED_TEMPLATES}`],
        ["alert labels as a list", { alertLabels: untyped(["team=x"]) }, 'alertLabels: must be a map of label names to string values, got ["team=x"]'],
        ["a dashboard label key with a space", { grafanaDashboardLabels: { "bad key!": "1" } },
            'grafanaDashboardLabels: "bad key!" is not a valid label name: it name part must be letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit'],
        ["a dashboard label key whose prefix is longer than 253", { grafanaDashboardLabels: { [`${x254}/dash`]: "1" } },
            `grafanaDashboardLabels: "${x254.slice(0, 64)}"… (259 chars) is not a valid label name: it prefix "${x254}" must be no more than 253 characters`],
        ["a dashboard label value with a space", { grafanaDashboardLabels: { grafana_dashboard: "a b" } },
            'grafanaDashboardLabels: value "a b" of "grafana_dashboard" is not a valid label value: it must be empty or letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit'],
        ["no dashboard label while the dashboard is on", { grafanaDashboardLabels: {} },
            "grafanaDashboardLabels: must have at least one label when grafanaDashboardEnabled is true: the Grafana sidecar finds dashboards by label"],
        ["an adapter namespace with capitals", { adapterNamespace: "Monitoring_NS" },
            `adapterNamespace: "Monitoring_NS" must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit`],
        ["an empty adapter namespace (said, not taken as unset)", { adapterNamespace: "" }, 'adapterNamespace: must be a non-empty string, got ""'],
        ["a dashboard namespace starting with a dash", { grafanaDashboardNamespace: "-grafana" },
            `grafanaDashboardNamespace: "-grafana" must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit`],
        ["a switch given as a string", { prometheusRuleEnabled: untyped("yes") }, 'prometheusRuleEnabled: must be true or false, got "yes"'],
        ["a switch given as a number", { adapterConfigMapEnabled: untyped(1) }, "adapterConfigMapEnabled: must be true or false, got 1"],
        ["a switch given as the string false", { grafanaDashboardEnabled: untyped("false") }, 'grafanaDashboardEnabled: must be true or false, got "false"'],
    ];
    for (const [title, args, message] of cases) {
        it(`refuses ${title}`, () => {
            expect(problemsOf(args)).to.deep.equal([message]);
        });
    }

    it("an empty dashboard label map is fine when the dashboard is off", () => {
        expect(problemsOf({ grafanaDashboardEnabled: false, grafanaDashboardLabels: {} })).to.deep.equal([]);
    });

    it("collects every problem at once, in a stable order", () => {
        const problems = problemsOf({ ttftTargetSeconds: 0.3, tpotTargetSeconds: 0.3333, sloObjective: 2, sloWindowDays: 1, runbookBaseUrl: "x" });
        expect(problems.map((p) => p.split(":")[0])).to.deep.equal(["sloWindowDays", "sloObjective", "ttftTargetSeconds", "tpotTargetSeconds", "runbookBaseUrl"]);
    });

    it("the objective floor follows the SLO window (the fast page's burn rate grows with it)", () => {
        expect(problemsOf({ sloObjective: 0.928, sloWindowDays: 28 })).to.deep.equal([]); // 13.44x * 7.2% < 1
        expect(problemsOf({ sloObjective: 0.928, sloWindowDays: 30 })[0]).to.match(/^sloObjective: .*at least 0\.9306/); // 14.4x * 7.2% > 1
    });
});
