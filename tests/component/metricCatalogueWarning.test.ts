/**
 * The preview-time warning: an image whose vLLM version (from its tag) lacks a metric name the
 * stack's rules read. The catalogue is the simulator's too (packages/kube-parser vllmCatalogue.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { VllmServiceArgs } from "../../components/args";
import { metricCatalogueWarnings, vllmNamesReadByStack } from "../../components/metricCatalogueWarning";
import { validateArgs } from "../../components/validate";
import { VllmService } from "../../components/vllmService";
import { runWithMocks } from "../support/pulumiMocks";

const BASE: VllmServiceArgs = { model: "Qwen/Qwen2.5-0.5B-Instruct", modelRevision: "7ae557604adf67be50417f59c2c2f167def9a775" };
const warningsFor = (args: Partial<VllmServiceArgs>) => metricCatalogueWarnings(validateArgs("vllm-server", { ...BASE, ...args }));

describe("metric catalogue warning (component, at preview)", () => {
    it("derives the names from the rendered rules: the TPOT SLO's inter-token latency, TTFT, the HPA's queue", () => {
        const names = vllmNamesReadByStack(validateArgs("vllm-server", BASE));
        expect(names).to.include.members(["vllm:inter_token_latency_seconds_bucket", "vllm:time_to_first_token_seconds_bucket", "vllm:num_requests_waiting"]);
        expect(names.every((n) => n.startsWith("vllm:") || n.startsWith("http_"))).to.equal(true);
    });

    it("warns for a 0.10 image (canary or stable), naming the missing inter-token latency series", () => {
        for (const args of [{ canaryImage: "vllm/vllm-openai:v0.10.2" }, { image: "vllm/vllm-openai:v0.10.2" }]) {
            const [w, ...rest] = warningsFor(args);
            expect(rest).to.deep.equal([]);
            expect(w).to.match(/^(canaryImage|image): vllm\/vllm-openai:v0\.10\.2 is vLLM 0\.10\.2, which does not export vllm:inter_token_latency_seconds_bucket, vllm:inter_token_latency_seconds_count;/);
            expect(w).to.not.contain("HPA");
        }
    });

    it("is silent for the 0.11 line, a digest, and a 0.10 image when the PrometheusRule is off (the adapter's queue name exists in 0.10)", () => {
        expect(warningsFor({})).to.deep.equal([]);
        expect(warningsFor({ canaryImage: "registry.example.com/vllm-openai:v0.11.1-cu128" })).to.deep.equal([]);
        expect(warningsFor({ image: `vllm/vllm-openai@sha256:${"a".repeat(64)}` })).to.deep.equal([]);
        expect(warningsFor({ image: "vllm/vllm-openai:v0.10.2", prometheusRuleEnabled: false })).to.deep.equal([]);
    });

    it("warns that a version outside the table is unchecked", () => {
        expect(warningsFor({ canaryImage: "vllm/vllm-openai:v0.12.0" })[0]).to.match(/vLLM 0\.12\.0, whose metric names this project does not know \(known: 0\.10\.x, 0\.11\.x\)/);
    });

    it("the component logs it as a warning on itself (what pulumi preview shows)", async () => {
        const seen: string[] = [];
        const original = pulumi.log.warn;
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (msg: string) => void seen.push(msg);
        try {
            await runWithMocks(() => new VllmService("vllm-server", { ...BASE, canaryImage: "vllm/vllm-openai:v0.10.2" }));
            await runWithMocks(() => new VllmService("vllm-server", BASE));
        } finally {
            (pulumi.log as { warn: typeof pulumi.log.warn }).warn = original;
        }
        expect(seen).to.have.length(1);
        expect(seen[0]).to.contain("canaryImage: vllm/vllm-openai:v0.10.2");
    });
});
