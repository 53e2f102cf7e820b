/**
 * The prometheus-adapter rule for `vllm:num_requests_waiting`: its shape, its YAML text, and its
 * metrics query run (as the adapter would render it) through promtool against synthetic series.
 */
import { expect } from "chai";
import * as YAML from "yaml";
import { VLLM, buildAdapterConfig, buildAdapterConfigMap, buildAdapterRule, renderAdapterConfigYaml } from "../../components/slo";
import { CASES, resolved } from "./fixtures";
import { gauge, promtoolPath, runPromtool, series } from "./promtool";

describe("SLO prometheus-adapter rule", function () {
    this.timeout(120_000);
    const rule = buildAdapterRule();
    const metric = VLLM.numRequestsWaiting.name;

    it("discovers vllm:num_requests_waiting with namespace and pod labels, mapped to those resources", () => {
        expect(metric).to.equal("vllm:num_requests_waiting");
        expect(rule.seriesQuery).to.equal('vllm:num_requests_waiting{namespace!="",pod!=""}');
        expect(rule.resources).to.deep.equal({ overrides: { namespace: { resource: "namespace" }, pod: { resource: "pod" } } });
    });

    it("exposes the metric under exactly the name the HPA asks for", () => {
        expect(rule.name.as).to.equal(metric);
        const re = new RegExp(rule.name.matches);
        expect(re.test(metric)).to.equal(true);
        expect(re.test(`${metric}_total`)).to.equal(false);
        expect(re.test("vllm:num_requests_running")).to.equal(false);
    });

    it("sums per pod with the adapter's template placeholders", () => {
        expect(rule.metricsQuery).to.equal("sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)");
    });

    it("renders config.yaml that parses back to the same rules, with a kubectl check in a comment", () => {
        const text = renderAdapterConfigYaml({ namespace: "serving" });
        expect(YAML.parse(text)).to.deep.equal(buildAdapterConfig());
        expect(text).to.contain('kubectl get --raw "/apis/custom.metrics.k8s.io/v1beta1/namespaces/serving/pods/*/vllm:num_requests_waiting"');
    });

    it("builds the ConfigMap in adapterNamespace (else the service's) under config.yaml", () => {
        const c = CASES[0];
        const slo = resolved(c);
        const cm = buildAdapterConfigMap(slo, c.target, { app: "x" });
        expect(cm.metadata).to.deep.equal({ name: `${c.target.serviceName}-adapter-rules`, namespace: c.target.namespace, labels: { app: "x" } });
        expect(Object.keys(cm.data)).to.deep.equal(["config.yaml"]);
        expect(YAML.parse(cm.data["config.yaml"])).to.deep.equal(buildAdapterConfig());
        const elsewhere = buildAdapterConfigMap({ ...slo, adapterNamespace: "monitoring" }, c.target);
        expect(elsewhere.metadata.namespace).to.equal("monitoring");
    });

    it("its metrics query, rendered as the adapter does, sums vLLM's engines per pod (promtool) @integration", async () => {
        promtoolPath();
        // What the adapter sends for GET .../namespaces/serving/pods/*/vllm:num_requests_waiting
        const query = rule.metricsQuery
            .replace("<<.Series>>", metric)
            .replace("<<.LabelMatchers>>", 'namespace="serving",pod=~"vllm-a|vllm-b"')
            .replace("<<.GroupBy>>", "pod");
        const lbl = (pod: string, engine: string, ns = "serving") => ({ namespace: ns, pod, service: "vllm", model_name: "default", engine });
        const test = {
            rule_files: [],
            evaluation_interval: "1m",
            tests: [
                {
                    interval: "1m",
                    input_series: [
                        { series: series(metric, lbl("vllm-a", "0")), values: gauge(3, 10) },
                        { series: series(metric, lbl("vllm-a", "1")), values: gauge(4, 10) }, // data-parallel engine
                        { series: series(metric, lbl("vllm-b", "0")), values: gauge(2, 10) },
                        { series: series(metric, lbl("vllm-a", "0", "other")), values: gauge(100, 10) }, // other namespace
                    ],
                    promql_expr_test: [
                        {
                            expr: query,
                            eval_time: "5m",
                            exp_samples: [
                                { labels: '{pod="vllm-a"}', value: 7 },
                                { labels: '{pod="vllm-b"}', value: 2 },
                            ],
                        },
                    ],
                },
            ],
        };
        const r = await runPromtool({ "test.yaml": test }, ["test", "rules", "test.yaml"]);
        expect(r.status, r.output).to.equal(0);
    });
});
