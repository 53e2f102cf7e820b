/**
 * config.yaml of the prometheus-adapter ConfigMap, written with the `yaml` package: readable text
 * with the comment block first, which parses back to exactly the rules.
 */
import { expect } from "chai";
import * as YAML from "yaml";
import { adapterConfigComments, buildAdapterConfig, renderAdapterConfigYaml } from "../../components/slo";

describe("SLO prometheus-adapter config.yaml text", () => {
    const timing = { metricsRelistInterval: "15s", metricsMaxAge: "30s" };
    const text = renderAdapterConfigYaml({ namespace: "serving" }, timing as Parameters<typeof renderAdapterConfigYaml>[1]);

    it("starts with every comment line, each as `# line`, then the rules", () => {
        const comments = adapterConfigComments({ namespace: "serving" }, timing as Parameters<typeof adapterConfigComments>[1]);
        const head = text.split("\n").slice(0, comments.length);
        expect(head).to.deep.equal(comments.map((l) => `# ${l}`));
        expect(comments.join("\n")).to.contain("--metrics-relist-interval=15s --metrics-max-age=30s");
        expect(text.split("\n").filter((l) => l.startsWith("#"))).to.have.length(comments.length);
        expect(text).to.match(/\nrules:\n {2}- seriesQuery: /);
    });

    it("parses back to the rules, with and without the timing and the namespace", () => {
        expect(YAML.parse(text)).to.deep.equal(buildAdapterConfig());
        expect(YAML.parse(renderAdapterConfigYaml())).to.deep.equal(buildAdapterConfig());
        expect(renderAdapterConfigYaml()).to.contain("namespaces/<namespace>/pods/*").and.not.contain("relist");
    });

    it("writes the queries as plain scalars a person reads as PromQL (no flow maps, no folded lines)", () => {
        expect(text).to.contain('    metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)\n');
        expect(text).to.contain('  - seriesQuery: vllm:num_requests_waiting{namespace!="",pod!=""}\n');
    });
});
