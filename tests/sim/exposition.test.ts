import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { HTTP, leLabel, MetricDef, VLLM } from "../../components/slo/vllmMetrics";
import { promtoolPath } from "../slo/promtool";
import { Family, parseExposition } from "./exposition";
import { killAllSims, SimProcess, spawnSim, startSim, stopSim } from "./simProcess";
import { pinnedCatalogue, VLLM_METRIC_CATALOGUES, VllmMetricCatalogue, vllmVersionFromImage } from "@vllm-pulumi/kube-parser";

/** The family name a definition has in the text format (counters carry `_total`). */
function familyName(def: MetricDef): string {
    return def.type === "counter" && !def.name.endsWith("_total") ? `${def.name}_total` : def.name;
}

/** Label names of a family's samples (bucket `le` excluded), one sorted list per distinct set. */
function labelSets(fam: Family): string[][] {
    const sets = new Set(fam.samples.map((s) => JSON.stringify(Object.keys(s.labels).filter((k) => k !== "le").sort())));
    return [...sets].map((s) => JSON.parse(s) as string[]);
}

describe("vLLM simulator: /metrics matches the names the SLO rules and the adapter rule use @process", function () {
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

    it("is valid Prometheus text format (promtool check metrics); the only lint findings are vLLM's own names @integration", () => {
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

/** Family names (as `# TYPE` lines print them) a catalogue's metrics appear under, `_created` gauges included. */
function cataloguedFamilies(c: VllmMetricCatalogue): string[] {
    return c.metrics.flatMap((m) => (m.type === "gauge" ? [m.name] : m.type === "counter" ? [`${m.name}_total`, `${m.name}_created`] : [m.name, `${m.name}_created`])).sort();
}

describe("vLLM simulator: the metric catalogue follows the image's vLLM version (--sim-image) @process", function () {
    this.timeout(60_000);
    after(() => killAllSims());

    /** /metrics of a simulator started as `image`, after one request (so the lazy HTTP children exist). */
    async function exposedAs(image: string | undefined): Promise<{ text: string; families: Map<string, Family>; version: string }> {
        const sim = await startSim(["--served-model-name=m", "--sim-decode-ms-per-token=1", "--sim-output-tokens=2", ...(image ? [`--sim-image=${image}`] : [])]);
        try {
            await (await fetch(`${sim.url}/v1/completions`, { method: "POST", body: JSON.stringify({ prompt: "x" }) })).text();
            const text = await (await fetch(`${sim.url}/metrics`)).text();
            const version = ((await (await fetch(`${sim.url}/version`)).json()) as { version: string }).version;
            return { text, families: parseExposition(text), version };
        } finally {
            await stopSim(sim);
        }
    }

    for (const [image, line] of [
        ["vllm/vllm-openai:v0.10.2", "0.10"],
        ["vllm/vllm-openai:v0.11.0", "0.11"],
        ["registry.example.com/mirror/vllm-openai:v0.11.1-cu128", "0.11"],
    ] as const) {
        it(`${image}: exactly the ${line} line's families, valid for promtool, /version says so @integration`, async () => {
            const { text, families, version } = await exposedAs(image);
            const catalogue = VLLM_METRIC_CATALOGUES.find((c) => c.line === line)!;
            expect([...families.keys()].sort()).to.deep.equal(cataloguedFamilies(catalogue));
            const r = spawnSync(promtoolPath(), ["check", "metrics"], { input: text, encoding: "utf8", timeout: 30_000 });
            expect(r.status, r.stdout + r.stderr).to.be.oneOf([0, 3]);
            expect(version).to.equal(vllmVersionFromImage(image)!.text);
        });
    }

    it("0.10 has the gpu_ names and no inter-token latency; 0.11 the reverse (the rename the upgrade's metric gate catches)", async () => {
        const old = (await exposedAs("vllm/vllm-openai:v0.10.2")).families;
        const pinned = (await exposedAs(undefined)).families;
        expect(old.has("vllm:gpu_cache_usage_perc")).to.equal(true);
        expect(old.has("vllm:inter_token_latency_seconds")).to.equal(false);
        expect(old.get("vllm:time_per_output_token_seconds")?.help).to.not.contain("DEPRECATED");
        expect(pinned.has("vllm:gpu_cache_usage_perc")).to.equal(false);
        expect(pinned.has("vllm:inter_token_latency_seconds")).to.equal(true);
        expect(pinned.get("vllm:time_per_output_token_seconds")?.help).to.contain("DEPRECATED");
    });

    it("a digest-only image (no version in the tag) is the pinned release", async () => {
        const { families, version } = await exposedAs(`vllm/vllm-openai@sha256:${"a".repeat(64)}`);
        expect(version).to.equal("0.11.0");
        expect([...families.keys()].sort()).to.deep.equal(cataloguedFamilies(pinnedCatalogue()));
    });

    it("refuses to start as a vLLM version it has no catalogue for, naming the known lines (exit 2)", async () => {
        const sim = await spawnSim(["--sim-image=vllm/vllm-openai:v0.12.0"], { VLLM_SIM_IMAGE: "ignored:v0.11.0" });
        const code = await new Promise<number | null>((resolve) => sim.child.once("exit", (c) => resolve(c)));
        expect(code).to.equal(2);
        expect(sim.output()).to.contain("no metric catalogue for vLLM 0.12.0").and.to.contain("0.10.x, 0.11.x");
    });

    it("takes the image from VLLM_SIM_IMAGE when the flag is absent", async () => {
        const sim = await startSim([], { VLLM_SIM_IMAGE: "vllm/vllm-openai:v0.10.1" });
        try {
            expect(((await (await fetch(`${sim.url}/version`)).json()) as { version: string }).version).to.equal("0.10.1");
        } finally {
            await stopSim(sim);
        }
    });
});
