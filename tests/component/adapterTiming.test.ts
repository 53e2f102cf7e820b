/**
 * prometheus-adapter's timing rule (packages/kube-parser/src/adapterTiming.ts): the relist window
 * must cover the scrape interval, or the adapter's series list is often empty and the HPA gets no
 * value (issue 14: a 5 s relist with the dev stack's 15 s scrapes). The component states it in
 * `adapterSettings` and in the comment of `adapterRules`; the local environment starts the adapter with it.
 */
import { expect } from "chai";
import fc from "fast-check";
import { adapterTimingFlags, adapterTimingFor, adapterTimingProblems, durationMs, formatDuration } from "@vllm-pulumi/kube-parser";
import { VllmService } from "../../components/index";
import { renderAdapterConfigYaml } from "../../components/slo";
import { duration } from "./argsArbitrary";
import { runWithMocks, valueOf } from "../support/pulumiMocks";

describe("prometheus-adapter timing vs the scrape interval", () => {
    it("gives relist = scrape and max-age = twice it, for the dev stack's 15s", () => {
        expect(adapterTimingFor("15s")).to.deep.equal({ metricsRelistInterval: "15s", metricsMaxAge: "30s" });
        expect(adapterTimingFlags(adapterTimingFor("1m30s"))).to.deep.equal(["--metrics-relist-interval=1m30s", "--metrics-max-age=3m"]);
    });

    it("derives a timing that passes its own check for every scrape interval the Operator accepts", () => {
        fc.assert(
            fc.property(duration, (scrape) => {
                const t = adapterTimingFor(scrape);
                expect(adapterTimingProblems(t, scrape)).to.deep.equal([]);
                expect(durationMs(t.metricsRelistInterval)).to.equal(durationMs(scrape));
                expect(durationMs(t.metricsMaxAge)).to.equal(2 * durationMs(scrape)!);
            }),
        );
    });

    it("formats durations so that the Operator's pattern reads them back", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 10 * 365 * 86_400_000 }), (ms) => {
            expect(durationMs(formatDuration(ms))).to.equal(ms);
        }));
    });

    it("names both flags and the fix when they are shorter than the scrape (the 5s relist the environment used to run)", () => {
        expect(adapterTimingProblems({ metricsRelistInterval: "5s", metricsMaxAge: "5s" }, "15s")).to.deep.equal([
            "--metrics-relist-interval=5s is shorter than the scrape interval 15s: the adapter's series list is often empty and the HPA gets no value; set it to at least 15s",
            "--metrics-max-age=5s is shorter than the scrape interval 15s: the adapter's series list is often empty and the HPA gets no value; set it to at least 15s",
        ]);
        expect(adapterTimingProblems({ metricsRelistInterval: "15s", metricsMaxAge: "10s" }, "15s")).to.have.length(1);
        expect(adapterTimingProblems({ metricsRelistInterval: "1m", metricsMaxAge: "1m" }, "15s")).to.deep.equal([]);
    });

    it("refuses a scrape interval that is not a positive duration", () => {
        expect(() => adapterTimingFor("0")).to.throw('scrape interval: "0" is not a positive Prometheus duration');
        expect(() => adapterTimingFor("15 s")).to.throw("not a positive Prometheus duration");
    });

    it("states the rule with the stack's figures in the adapterRules comment and the adapterSettings output", async () => {
        const model = { model: "Qwen/Qwen2.5-0.5B-Instruct", modelRevision: "7ae557604adf67be50417f59c2c2f167def9a775" };
        const { captured, result: svc } = await runWithMocks(() => new VllmService("vllm-server", { ...model, scrapeInterval: "20s" }));
        expect(await valueOf(svc.adapterSettings)).to.deep.equal({ metricsRelistInterval: "20s", metricsMaxAge: "40s" });
        const rules = await valueOf(svc.adapterRules);
        expect(rules).to.contain("--metrics-relist-interval=20s --metrics-max-age=40s or longer");
        const configMap = captured.ofType("kubernetes:core/v1:ConfigMap").map((r) => r.inputs).find((cm) => cm.metadata.name === "vllm-server-adapter-rules");
        expect(configMap?.data["config.yaml"]).to.equal(rules);
        expect(renderAdapterConfigYaml({ namespace: "x" })).to.not.contain("relist");
    });
});
