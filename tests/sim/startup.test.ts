import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { vllmArgs } from "../../components/manifests/deployment";
import { validateArgs } from "../../components/validate";
import { ensureSimBuilt } from "../../sim/build";
import { killAllSims, SimProcess, spawnSim, startSim, stopSim, waitFor } from "./simProcess";

/** Runs the simulator to completion (argument errors exit at once). */
function runSim(args: string[], env: Record<string, string> = {}) {
    return spawnSync(process.execPath, [ensureSimBuilt(), ...args], { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8", timeout: 10_000 });
}

describe("vLLM simulator: start-up and command line @process", function () {
    this.timeout(30_000);
    const sims: SimProcess[] = [];
    before(() => ensureSimBuilt());
    after(async () => {
        await Promise.all(sims.map(stopSim));
        killAllSims();
    });

    it("refuses connections while loading weights, then /health answers 200", async () => {
        const t0 = Date.now();
        const sim = await spawnSim(["--sim-load-seconds=1.5"]);
        sims.push(sim);
        await new Promise((r) => setTimeout(r, 300));
        const refused = await fetch(`${sim.url}/health`).then(
            () => "answered",
            (e: { cause?: { code?: string } }) => e.cause?.code,
        );
        expect(refused).to.equal("ECONNREFUSED");
        await waitFor("/health 200", 10_000, async () => ((await fetch(`${sim.url}/health`)).status === 200 ? true : undefined));
        expect(Date.now() - t0).to.be.at.least(1400);
    });

    it("rejects an unknown flag like vLLM's argparse: usage, error line, exit code 2", () => {
        const r = runSim(["--model=m", "--no-such-flag", "--max-num-seqs=4"]);
        expect(r.status).to.equal(2);
        expect(r.stderr).to.equal("usage: vllm serve [model_tag] [options]\nvllm serve: error: unrecognized arguments: --no-such-flag\n");
        expect(r.stdout).to.equal("");
    });

    it("rejects bad values and ambiguous abbreviations with exit code 2", () => {
        expect(runSim(["--max-num-seqs=lots"]).stderr).to.contain("error: argument --max-num-seqs: Value lots cannot be converted to <class 'int'>.");
        expect(runSim(["--port", "http"]).stderr).to.contain("error: argument --port: invalid int value: 'http'");
        expect(runSim(["--port"]).stderr).to.contain("error: argument --port: expected one argument");
        expect(runSim(["--enforce-eager=yes"]).status).to.equal(2);
        expect(runSim(["--max-num", "3"]).stderr).to.contain("error: ambiguous option: --max-num could match --max-num-batched-tokens, --max-num-seqs");
        expect(runSim(["--sim-decode-ms-per-token=-1"]).status).to.equal(2);
        expect(runSim([], { VLLM_SIM_OUTPUT_TOKENS: "0" }).stderr).to.contain("--sim-output-tokens");
    });

    it("accepts vLLM's spellings: underscores, short aliases, --no-x, nargs, --config YAML, knobs from env", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "sim-config-"));
        try {
            const config = path.join(dir, "config.yaml");
            writeFileSync(config, "max-model-len: 4096\nenforce-eager: true\n");
            const sim = await startSim(
                ["org/model", "--served_model_name", "a", "b", "--config", config, "-tp", "2", "--no-enable-prefix-caching", "--compilation-config.level", "3", "-O3"],
                { VLLM_SIM_OUTPUT_TOKENS: "7" },
            );
            sims.push(sim);
            const models = (await (await fetch(`${sim.url}/v1/models`)).json()) as { data: Array<{ id: string; root: string; max_model_len: number }> };
            expect(models.data.map((m) => [m.id, m.root, m.max_model_len])).to.deep.equal([
                ["a", "org/model", 4096],
                ["b", "org/model", 4096],
            ]);
            const res = await fetch(`${sim.url}/v1/completions`, { method: "POST", body: JSON.stringify({ model: "b", prompt: "hi" }) });
            const body = (await res.json()) as { model: string; usage: { completion_tokens: number }; choices: Array<{ finish_reason: string }> };
            expect([body.model, body.usage.completion_tokens, body.choices[0].finish_reason]).to.deep.equal(["a", 7, "stop"]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("starts from the container args the project's Deployment generates", async () => {
        const model = validateArgs("vllm", { model: "Qwen/Qwen3-0.6B", modelRevision: "c1899de289a04d12100db370d81485cdf75e47ca", pipelineParallelSize: 2, extraArgs: ["--max-num-seqs=3", "--enable-prefix-caching"] });
        // The Deployment's --port is the container port; the test needs a free one, so drop it.
        const args = vllmArgs(model).filter((a) => !a.startsWith("--port="));
        const sim = await startSim(args);
        sims.push(sim);
        const models = (await (await fetch(`${sim.url}/v1/models`)).json()) as { data: Array<{ id: string; max_model_len: number }> };
        expect(models.data.map((m) => [m.id, m.max_model_len])).to.deep.equal([[model.servedModelName, model.maxModelLen]]);
        expect(sim.output()).to.contain("max_num_seqs=3");
    });

    it("says it is a simulator on /version and in its log", async () => {
        const sim = await startSim([]);
        sims.push(sim);
        const version = (await (await fetch(`${sim.url}/version`)).json()) as { version: string; simulator: string };
        expect(version.version).to.equal("0.11.0");
        expect(version.simulator).to.match(/simulator/i);
        expect(sim.output()).to.contain("SIMULATOR");
        // vLLM 0.11's default for the OpenAI server on a GPU under 70 GiB (elasticity notes §7).
        expect(sim.output()).to.contain("max_num_seqs=256");
    });

    it("takes knobs from VLLM_SIM_* env vars, flags winning", async () => {
        const sim = await startSim(["--sim-output-tokens=3"], { VLLM_SIM_OUTPUT_TOKENS: "9", VLLM_SIM_DECODE_MS_PER_TOKEN: "1" });
        sims.push(sim);
        const body = (await (await fetch(`${sim.url}/v1/completions`, { method: "POST", body: JSON.stringify({ prompt: "x" }) })).json()) as { usage: { completion_tokens: number } };
        expect(body.usage.completion_tokens).to.equal(3);
        expect(sim.output()).to.contain('"decodeMsPerToken":1,');
    });

    it("stops gracefully on SIGTERM: refuses new connections, finishes in-flight streams, exits 0", async () => {
        const sim = await startSim(["--sim-decode-ms-per-token=50", "--sim-output-tokens=20"]);
        sims.push(sim);
        const res = await fetch(`${sim.url}/v1/completions`, { method: "POST", body: JSON.stringify({ prompt: "x", stream: true }) });
        const body = res.text();
        await new Promise((r) => setTimeout(r, 200));
        const exited = new Promise((resolve) => sim.child.once("exit", resolve));
        process.kill(sim.child.pid!, "SIGTERM");
        await new Promise((r) => setTimeout(r, 100));
        const late = await fetch(`${sim.url}/health`).then(
            (r) => r.status,
            (e: { cause?: { code?: string } }) => e.cause?.code,
        );
        expect(late).to.equal("ECONNREFUSED");
        expect((await body).endsWith("data: [DONE]\n\n")).to.equal(true);
        expect(await exited).to.equal(0);
    });

    it("injects faults: /health 503 after --sim-health-fail-after-seconds, exit 1 after --sim-crash-after-seconds", async () => {
        const dying = await startSim(["--sim-health-fail-after-seconds=0.5"]);
        sims.push(dying);
        await waitFor("/health 503", 5000, async () => ((await fetch(`${dying.url}/health`)).status === 503 ? true : undefined));
        const res = await fetch(`${dying.url}/v1/completions`, { method: "POST", body: JSON.stringify({ prompt: "x" }) });
        expect(res.status).to.equal(500);
        const crashing = await startSim(["--sim-crash-after-seconds=0.5"]);
        sims.push(crashing);
        const code = await new Promise((resolve) => crashing.child.once("exit", resolve));
        expect(code).to.equal(1);
    });
});
