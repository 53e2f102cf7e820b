import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { HTTP, leLabel, MetricDef, VLLM } from "../../components/slo/vllmMetrics";
import { promtoolPath } from "../slo/promtool";
import { Family, parseExposition } from "./exposition";
import { killAllSims, SimProcess, startSim, stopSim } from "./simProcess";

/** The family name a definition has in the text format (counters carry `_total`). */
function familyName(def: MetricDef): string {
    return def.type === "counter" && !def.name.endsWith("_total") ? `${def.name}_total` : def.name;
}

/** Label names of a family's samples (bucket `le` excluded), one sorted list per distinct set. */
function labelSets(fam: Family): string[][] {
    const sets = new Set(fam.samples.map((s) => JSON.stringify(Object.keys(s.labels).filter((k) => k !== "le").sort())));
    return [...sets].map((s) => JSON.parse(s) as string[]);
}

describe("vLLM simulator: /metrics matches the names the SLO rules and the adapter rule use", function () {
    this.timeout(60_000);
    let sim: SimProcess;
    let text: string;
    let families: Map<string, Family>;
    before(async () => {
        sim = await startSim(["--served-model-name=m", "--sim-decode-ms-per-token=1", "--sim-output-tokens=2"]);
        // One request so that the lazily created HTTP children exist too.
        await (await fetch(`${sim.url}/v1/completions`, { method: "POST", body: JSON.stringify({ prompt: "x" }) })).text();
        text = await (await fetch(`${sim.url}/metrics`)).text();
        families = parseExposition(text);
    });
    after(async () => {
        await stopSim(sim);
        killAllSims();
    });

    it("is valid Prometheus text format (promtool check metrics); the only lint findings are vLLM's own names", () => {
        const r = spawnSync(promtoolPath(), ["check", "metrics"], { input: text, encoding: "utf8", timeout: 30_000 });
        // 0 = clean, 3 = lint findings only; a parse error is 1.
        expect(r.status, r.stdout + r.stderr).to.be.oneOf([0, 3]);
        const findings = `${r.stdout}${r.stderr}`.split("\n").filter((l) => l.trim() !== "");
        const upstream = /^vllm:\S+ (metric names should not contain ':'|non-counter metrics should not have "_total" suffix)$/;
        expect(findings.filter((l) => !upstream.test(l))).to.deep.equal([]);
    });

    for (const def of [...Object.values(VLLM), ...Object.values(HTTP)] as MetricDef[]) {
        it(`exposes ${def.name} as a ${def.type} with labels ${def.labels.join(", ")}${def.buckets ? " and the same buckets" : ""}`, () => {
            const fam = families.get(familyName(def));
            expect(fam, `family ${familyName(def)}`).to.not.equal(undefined);
            expect(fam!.type).to.equal(def.type);
            expect(fam!.samples.length).to.be.greaterThan(0);
            expect(labelSets(fam!)).to.deep.equal([[...def.labels].sort()]);
            if (def.buckets) {
                const first = fam!.samples.filter((s) => s.name === `${def.name}_bucket`).slice(0, def.buckets.length + 1);
                expect(first.map((s) => s.labels.le)).to.deep.equal([...def.buckets.map(leLabel), "+Inf"]);
            }
        });
    }

    it("labels every engine series with the served model name and engine 0", () => {
        const engine = [...families.values()].filter((f) => f.name.startsWith("vllm:"));
        expect(engine.length).to.be.greaterThan(20);
        for (const f of engine) for (const s of f.samples) expect(s.labels).to.include({ model_name: "m", engine: "0" });
    });

    it("prints bucket bounds like Python's prometheus_client and exposes *_created series", () => {
        expect(text).to.contain('le="1.0"');
        expect(text).to.not.match(/le="\d+"/);
        expect(families.get("vllm:request_success_created")?.type).to.equal("gauge");
        expect(families.get("vllm:time_to_first_token_seconds_created")?.type).to.equal("gauge");
    });
});
