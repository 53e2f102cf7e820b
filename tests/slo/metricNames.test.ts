/**
 * metricNamesReadBy: the scraped series the rendered rules, the adapter rule and the dashboard
 * read, the list an image upgrade must keep exporting.
 */
import { expect } from "chai";
import { KSM, buildAdapterConfig, buildDashboard, buildPrometheusRuleSpec, knownSeriesNames, metricNamesReadBy } from "../../components/slo";
import { CASES, resolved } from "./fixtures";

describe("SLO metric names read by the rendered objects", () => {
    const c = CASES[1];
    const slo = resolved(c);

    it("lists what the rules and the adapter rule read, not the rules' own recorded series", () => {
        expect(metricNamesReadBy({ rules: buildPrometheusRuleSpec(slo, c.target), adapter: buildAdapterConfig() })).to.deep.equal([
            "http_requests_total",
            KSM.hpaMaxReplicas,
            KSM.hpaCondition,
            KSM.hpaCurrentReplicas,
            "vllm:inter_token_latency_seconds_bucket",
            "vllm:inter_token_latency_seconds_count",
            "vllm:num_requests_running",
            "vllm:num_requests_waiting",
            "vllm:time_to_first_token_seconds_bucket",
            "vllm:time_to_first_token_seconds_count",
        ]);
    });

    it("leaves the HPA series out when autoscaling is off, and reads the adapter's series alone", () => {
        const names = metricNamesReadBy({ rules: buildPrometheusRuleSpec(slo, { ...c.target, hpaName: undefined }) });
        expect(names.filter((n) => n.startsWith("kube_"))).to.deep.equal([]);
        expect(metricNamesReadBy({ adapter: buildAdapterConfig() })).to.deep.equal(["vllm:num_requests_waiting"]);
    });

    it("adds the dashboard's series, every one of them exported by the pinned versions", () => {
        const all = metricNamesReadBy({ rules: buildPrometheusRuleSpec(slo, c.target), adapter: buildAdapterConfig(), dashboard: buildDashboard(slo, c.target) });
        expect(all).to.include.members(["vllm:kv_cache_usage_perc", "vllm:generation_tokens_total", KSM.deploymentReplicasAvailable]);
        const known = knownSeriesNames();
        for (const n of all) expect(known.has(n), n).to.equal(true);
    });
});
