/**
 * Go templates in alert labels and the runbook link: the component's check (components/slo/goTemplate.ts)
 * against Prometheus' own parser. promtool check rules runs on the rendered PrometheusRule with each
 * case in an alert label and in the runbook_url annotation; the table proves that everything the
 * component accepts, Prometheus accepts (the direction that matters: an accepted template Prometheus
 * cannot parse drops every SLO alert), and lists what the component refuses on purpose.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import { ACCEPTED_TEMPLATES, ResolvedSlo, SLO_DEFAULTS, TEMPLATE_FUNCTIONS, buildPrometheusRuleSpec } from "../../components/slo";
import { templateProblem, withoutActions } from "../../components/slo/goTemplate";
import { CASES } from "./fixtures";
import { RunResult, pool, promtoolPath, runPromtool } from "./promtool";

type Verdict = "accepts" | "refuses";

/** [template, the component's verdict, Prometheus' verdict (promtool check rules), why they differ]. */
const TABLE: Array<[text: string, ours: Verdict, prometheus: Verdict, why?: string]> = [
    ["no template at all: team-a", "accepts", "accepts"],
    ["braces that are not actions: } { }} {x}", "accepts", "accepts"],
    ["{{ $labels.namespace }}", "accepts", "accepts"],
    ["{{$labels.namespace}}/{{$labels.model_name}}", "accepts", "accepts"],
    ["{{- $labels.service -}}", "accepts", "accepts"],
    ["{{ $value }}", "accepts", "accepts"],
    ["{{ $value | humanizePercentage }}", "accepts", "accepts"],
    ["{{ humanizePercentage $value }}", "accepts", "accepts"],
    ['{{ $value | printf "%.1f" }}', "accepts", "accepts"],
    ['{{ printf "%s-%s" $labels.namespace }}', "accepts", "accepts"],
    ["{{ $externalLabels.cluster }} {{ $externalURL }}", "accepts", "accepts"],
    ["{{ $labels.pod | toUpper | urlquery }}", "accepts", "accepts"],
    ['{{ "{{" }} literal braces', "accepts", "accepts"],
    ["{{ .Foo", "refuses", "refuses"],
    ["{{}}", "refuses", "refuses"],
    ["{{ }}", "refuses", "refuses"],
    ["{{ $labels.namespace | nosuchfunction }}", "refuses", "refuses"],
    ["{{ nosuchfunction $value }}", "refuses", "refuses"],
    ["{{ $undefined }}", "refuses", "refuses"],
    ["{{ end }}", "refuses", "refuses"],
    ["{{ if $value }}never closed", "refuses", "refuses"],
    ['{{ "unterminated }}', "refuses", "refuses"],
    ["{{ $value | }}", "refuses", "accepts", "an empty stage after a pipe: a typo Prometheus lets through"],
    ["{{ .Foo }}", "refuses", "accepts", "parses, then fails at every expansion: an alert with an error for a label"],
    ["{{ .Labels.namespace }}", "refuses", "accepts", "the same as $labels.namespace, which is accepted"],
    ["{{ if gt $value 0.5 }}high{{ end }}", "refuses", "accepts", "conditionals: more grammar to get right than a label needs"],
    ['{{ range query "up" }}{{ .Labels.instance }}{{ end }}', "refuses", "accepts", "queries from an alert label run on every evaluation"],
    ["{{/* a comment */}}", "refuses", "accepts", "comments have their own placement rules in Go"],
    ['{{ $labels.namespace | reReplaceAll "a" "b" }}', "refuses", "accepts", "functions with arguments beyond printf's format"],
    ["{{ $x := 1 }}{{ $x }}", "refuses", "accepts", "variables"],
];

/** The rendered PrometheusRule with `text` in an alert label and in every runbook_url. */
function ruleWith(text: string) {
    const slo: ResolvedSlo = {
        ...SLO_DEFAULTS,
        alertLabels: { probe: text },
        runbookBaseUrl: `https://runbooks.example.com/${text}`,
    };
    return buildPrometheusRuleSpec(slo, CASES[0].target);
}

describe("Go templates in alert labels and runbookBaseUrl", () => {
    for (const [text, ours] of TABLE) {
        it(`${ours} ${JSON.stringify(text)}`, () => {
            expect(templateProblem(text) === undefined ? "accepts" : "refuses").to.equal(ours);
        });
    }

    it("names the action it refuses and says what is accepted", () => {
        expect(templateProblem("team {{ .Foo }}")).to.equal(
            `has the template action "{{ .Foo }}", which this component does not accept: Prometheus drops the whole rule group ` +
                `(every SLO alert) over one template it cannot parse. Accepted: ${ACCEPTED_TEMPLATES}`,
        );
        expect(templateProblem("{{ .Foo")).to.equal('has "{{" without a closing "}}" (Prometheus would refuse the rule file)');
    });

    it("shortens a long refused action in the message", () => {
        const problem = templateProblem(`{{ ${"x".repeat(1000)} }}`)!;
        expect(problem).to.contain(`"{{ ${"x".repeat(45)}…"`).and.have.length.below(600);
    });

    it("answers on 1 MB of hostile braces (one pass, no backtracking pattern; a hang fails on mocha's timeout)", () => {
        expect(templateProblem(`${"{{ x ".repeat(200_000)}}}`)).to.match(/^has the template action/);
        expect(templateProblem("{{ $value }}".repeat(80_000))).to.equal(undefined);
        expect(templateProblem(`{{ "${"}}".repeat(500_000)}`)).to.match(/without a closing/);
    });

    it("replaces actions to check what surrounds them", () => {
        expect(withoutActions("https://x/{{ $labels.namespace }}/r{{$value}}")).to.equal("https://x/x/rx");
    });
});

describe("Go templates: the component agrees with Prometheus (promtool) @integration", function () {
    this.timeout(300_000);
    const generated = TEMPLATE_FUNCTIONS.flatMap((fn) => [`{{ $value | ${fn} }}`, `{{ ${fn} $labels.namespace }}`, `{{ $externalLabels.x | ${fn} | ${fn} }}`]);
    // Random texts of template-ish actions; those the component accepts must all load in Prometheus.
    const word = fc.constantFrom("$labels.ns", "$labels.a_1", "$value", "$externalURL", "$externalLabels.c", '"%s"', '"x}}"', "|", "|", "|",
        "printf", "humanize", "toUpper", "urlquery", "nosuch", "$x", ".Foo", "if", "end", "-", "(", ")");
    const action = fc.tuple(fc.constantFrom("{{", "{{ ", "{{- "), fc.array(word, { minLength: 1, maxLength: 5 }), fc.constantFrom(" ", "\t", ""), fc.constantFrom("}}", " }}", " -}}"))
        .map(([open, words, sep, close]) => `${open}${words.join(sep === "" ? " " : sep)}${close}`);
    const text = fc.array(fc.oneof(action, fc.constantFrom("team", " ", "}", "{", "/", "}}")), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(""));
    const randomTexts = fc.sample(text, { numRuns: 2000, seed: 16 });
    const randomAccepted = [...new Set(randomTexts.filter((t) => t.includes("{{") && templateProblem(t) === undefined))];
    let verdicts: RunResult[];
    let everyAccepted: RunResult;

    before(async () => {
        promtoolPath();
        const accepted = [...TABLE.filter(([, ours]) => ours === "accepts").map(([t]) => t), ...generated, ...randomAccepted];
        const check = (spec: unknown) => () => runPromtool({ "rules.yaml": spec }, ["check", "rules", "rules.yaml"]);
        const all = ruleWith("");
        all.groups = accepted.map((t, i) => ({ ...ruleWith(t).groups[1], name: `accepted-${i}` }));
        [everyAccepted, ...verdicts] = await pool([check(all), ...TABLE.map(([t]) => check(ruleWith(t)))]);
    });

    TABLE.forEach(([text, ours, prometheus, why], i) => {
        it(`Prometheus ${prometheus} ${JSON.stringify(text)}${why ? ` (the component ${ours}: ${why})` : ""}`, () => {
            const got: Verdict = verdicts[i].status === 0 ? "accepts" : "refuses";
            expect(got, verdicts[i].output).to.equal(prometheus);
            if (ours === "accepts") expect(got, "the component accepts what Prometheus refuses").to.equal("accepts");
        });
    });

    it(`Prometheus accepts every template the component accepts: the table, each function piped and called, and random texts`, () => {
        for (const t of generated) expect(templateProblem(t), t).to.equal(undefined);
        console.log(`      measured: ${generated.length} generated and ${randomAccepted.length} of ${randomTexts.length} random texts accepted by the component, all checked by promtool`);
        expect(randomAccepted.length, "random texts the component accepts").to.be.above(20);
        expect(everyAccepted.status, everyAccepted.output).to.equal(0);
    });
});
