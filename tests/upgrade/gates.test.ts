/**
 * The upgrade's decisions without a cluster: the TTFT gate's verdicts and the metric gate's
 * missing names against a Prometheus that answers fixed numbers, the request checks, the report.
 * (tests/upgrade/upgrade.test.ts runs them for real.)
 */
import { expect } from "chai";
import { metricGate } from "../../upgrade/gates/metricNames";
import { ttftGate } from "../../upgrade/gates/ttft";
import { PrometheusClient, PromSample } from "../../upgrade/prometheus";
import { markdownReport } from "../../upgrade/report";
import { DEFAULT_GATES, requestProblems } from "../../upgrade/request";

/** Answers `increase(..._count{...pod=~"canary..."})`-style queries from a table keyed by track and series. */
function fakeProm(t: { canary: [number, number]; stable: [number, number] }, queries: string[] = []): PrometheusClient {
    const fake = {
        url: "fake",
        async query(q: string): Promise<PromSample[]> {
            queries.push(q);
            const track = q.includes("canary") ? t.canary : t.stable;
            const v = q.includes("_bucket") ? track[1] : track[0];
            return [{ metric: {}, value: [0, String(v)] }];
        },
        async value(q: string) {
            return Number((await fake.query(q))[0].value[1]);
        },
    };
    return fake as unknown as PrometheusClient;
}

const gate = (t: { canary: [number, number]; stable: [number, number] }, queries?: string[]) =>
    ttftGate({ prom: fakeProm(t, queries), namespace: "ns", canaryPods: ["s-canary-1"], stablePods: ["s-a", "s-b"], targetSeconds: 0.5, objective: 0.99, tolerance: 0.05, minRequests: 10, windowSeconds: 60 });

describe("upgrade gates (no cluster)", () => {
    it("TTFT: the SLI restricted to each track's pods, at the target's bucket, over the window", async () => {
        const queries: string[] = [];
        await gate({ canary: [50, 50], stable: [100, 100] }, queries);
        expect(queries).to.include('sum(increase(vllm:time_to_first_token_seconds_bucket{namespace="ns", pod=~"s-canary-1", le="0.5"}[60s]))');
        expect(queries).to.include('sum(increase(vllm:time_to_first_token_seconds_count{namespace="ns", pod=~"s-a|s-b"}[60s]))');
    });
    it("TTFT: passes when the canary meets the objective", async () => {
        expect((await gate({ canary: [100, 100], stable: [100, 80] })).ok).to.equal(true);
    });
    it("TTFT: passes below the objective when within the tolerance of the stable pods", async () => {
        const r = await gate({ canary: [100, 93], stable: [100, 95] });
        expect(r.ok, r.reason).to.equal(true);
    });
    it("TTFT: fails when below the objective and worse than the stable pods by more than the tolerance", async () => {
        const r = await gate({ canary: [100, 10], stable: [100, 100] });
        expect(r.ok).to.equal(false);
        expect(r.canary.compliance).to.equal(0.1);
    });
    it("TTFT: fails when too few canary requests to judge", async () => {
        const r = await gate({ canary: [3, 3], stable: [100, 100] });
        expect(r.ok).to.equal(false);
        expect(r.reason).to.contain("not enough traffic");
    });
    it("metrics: names each required name a canary pod does not export", async () => {
        const prom = { async query() { return [{ metric: { __name__: "vllm:num_requests_waiting" }, value: [0, "1"] }]; } } as unknown as PrometheusClient;
        const r = await metricGate({ prom, namespace: "ns", pods: ["p"], required: ["vllm:num_requests_waiting", "vllm:inter_token_latency_seconds_bucket"], waitSeconds: 0 });
        expect(r.ok).to.equal(false);
        expect(r.missing).to.deep.equal({ p: ["vllm:inter_token_latency_seconds_bucket"] });
    });
    it("request: the component's pin grammar for --image/--model-revision and bounded gate settings", () => {
        expect(requestProblems({ stack: "s", image: "vllm/vllm-openai:v0.11.1", gates: DEFAULT_GATES })).to.deep.equal([]);
        const problems = requestProblems({ stack: "s", image: "vllm/vllm-openai:latest", modelRevision: "main", gates: { ...DEFAULT_GATES, ttftWindowSeconds: 1 } });
        expect(problems.map((p) => p.split(":")[0])).to.deep.equal(["--image", "--model-revision", "--ttft-window"]);
    });
    it("report: says which gate refused and that the stack still runs the old image", () => {
        const md = markdownReport({ stack: "dev", from: "a:v1", to: "a:v2", ok: false, failedGate: "metrics", seconds: 12, steps: [{ gate: "metrics", ok: false, figure: "1 of 7 names missing: x" }] });
        expect(md).to.contain("refused at the metrics gate").and.to.contain("still runs `a:v1`").and.to.contain("| metrics | **fail** | 1 of 7 names missing: x |");
    });
});
