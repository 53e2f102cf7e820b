/**
 * `npm run upgrade` on the local environment, under client load (real engine, API server,
 * controllers, Prometheus via the Operator; simulated pods whose /metrics follow the image's vLLM
 * version). One environment and one stack for the file; each test leaves the stack on its stable
 * version, with no pending operation and `pulumi up --expect-no-changes` passing.
 *
 * Settings tuned for wall time (the gates' logic is the same with the shipped defaults, which
 * tests/component and the unit tests cover): scrape interval 5 s, startupTimeoutSeconds 30, TTFT
 * window 15 s, 2 stable replicas without the HPA, 4 concurrent clients with 16-token answers.
 * The simulator knobs scope "releases" by tag (namespace annotations): v0.11.2 prefills at
 * 40 ms/token (TTFT ~1.5 s against the 0.5 s target), v0.11.3 loads for an hour (never Ready); v0.10.2 exports the 0.10
 * catalogue (no vllm:inter_token_latency_seconds, which the TPOT SLO reads).
 */
import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Environment, startEnvironment, stopEnvironment } from "../../env/environment";
import { SIM_ANNOTATION_PREFIX } from "../../env/pods/vllmContainer";
import { PulumiWorkspace } from "../../scripts/pulumi-workspace";
import { REPO_ROOT } from "../../scripts/toolchain";
import { TrackPods } from "../../upgrade/canaryPods";
import { CanaryExistsError } from "../../upgrade/preflight";
import { wrappedReach } from "../../upgrade/podReach";
import { PrometheusClient } from "../../upgrade/prometheus";
import { UpgradeInputError, UpgradeRequest } from "../../upgrade/request";
import { runRollback } from "../../upgrade/rollbackCommand";
import { runUpgrade, UpgradeOutcome } from "../../upgrade/run";
import { loopStackYaml } from "../integration/loop/loopStack";
import { Kube, kubeClients } from "../support/kube";
import { ClientLoad, startClientLoad } from "./clientLoad";

const STATE_DIR = path.join(REPO_ROOT, ".cache", "test-upgrade");
const STACK = "upgrade";
const NS = "vllm-upgrade";
const NAME = "vllm-server";
const STARTUP_BUDGET_SECONDS = 30;
const GATES = { ttftWindowSeconds: 15, ttftMinRequests: 10, ttftTolerance: 0.05 };
const IMAGE = (tag: string) => `vllm/vllm-openai:${tag}`;

describe("@integration @upgrade npm run upgrade: canary, gates, complete or roll back, under load", function () {
    this.timeout(30 * 60_000);
    let env: Environment;
    let kube: Kube;
    let ws: PulumiWorkspace;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-upgrade-"));
    const apiKey = `key-upgrade-${crypto.randomBytes(16).toString("hex")}`;
    const log = (l: string) => console.log(`      ${l}`);

    function upgrade(tag: string): Promise<UpgradeOutcome> {
        const req: UpgradeRequest = { stack: STACK, image: IMAGE(tag), gates: GATES };
        return runUpgrade(req, { ws, kubeconfig: env.kubeconfig, prom: new PrometheusClient(env.prometheusUrl), reach: wrappedReach(env.inNamespace), log });
    }
    function load(): ClientLoad {
        return startClientLoad(env, { namespace: NS, service: NAME, model: "default", concurrency: 4 });
    }
    async function stableImage(): Promise<string | undefined> {
        const d = await kube.apps.readNamespacedDeployment({ name: NAME, namespace: NS });
        return d.spec?.template.spec?.containers[0].image;
    }
    /** The stack after an outcome: no canary, no pending operation, nothing to change. */
    async function expectSettled(image: string): Promise<void> {
        expect(await stableImage()).to.equal(image);
        expect(await new TrackPods(env.kubeconfig, NS, NAME).canaryExists(), "canary Deployment gone").to.equal(false);
        const state = JSON.parse((await ws.must(["stack", "export", "--stack", STACK])).stdout) as { deployment: { pending_operations?: unknown[] } };
        expect(state.deployment.pending_operations ?? []).to.deep.equal([]);
        await ws.up({ policyPack: true, expectNoChanges: true });
    }

    before(async function () {
        env = await startEnvironment({ stateDir: STATE_DIR });
        kube = kubeClients(env.kubeconfig, env.kubectl);
        const knobs = { [`${SIM_ANNOTATION_PREFIX}tag-v0.11.2.prefill-ms-per-token`]: "40", [`${SIM_ANNOTATION_PREFIX}tag-v0.11.3.load-seconds`]: "3600" };
        kube.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: NS, annotations: knobs } }]);
        ws = new PulumiWorkspace({ dir: path.join(tmp, "ws"), kubeconfig: env.kubeconfig });
        const config = { namespace: NS, image: IMAGE("v0.11.0"), autoscalingEnabled: false, replicas: 2, startupTimeoutSeconds: STARTUP_BUDGET_SECONDS, extraArgs: ["--max-num-seqs=8"] };
        fs.writeFileSync(path.join(ws.projectDir, `Pulumi.${STACK}.yaml`), loopStackYaml(config));
        await ws.selectStack(STACK);
        await ws.setSecret("apiKey", apiKey);
        await ws.up({ policyPack: true });
    });

    after(async function () {
        if (env) await stopEnvironment({ stateDir: STATE_DIR });
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    describe("bad input, before anything is created", () => {
        it("refuses an unpinned or invalid --image with the component's message and creates nothing", async () => {
            for (const image of ["vllm/vllm-openai:latest", "vllm/vllm-openai", "vllm/VLLM-openai:v0.11.1"]) {
                const err = await runUpgrade({ stack: STACK, image, gates: GATES }, { ws, kubeconfig: env.kubeconfig, prom: new PrometheusClient(env.prometheusUrl), reach: wrappedReach(env.inNamespace), log }).catch((e) => e);
                expect(err).to.be.instanceOf(UpgradeInputError);
                expect((err as Error).message).to.match(/--image: .*(pin|lower case)/);
            }
            expect(await ws.getConfig("canaryImage")).to.equal(undefined);
            expect(await new TrackPods(env.kubeconfig, NS, NAME).canaryExists()).to.equal(false);
        });
    });

    describe("a good version", () => {
        it("completes (v0.11.0 -> v0.11.1) with zero failed client requests during the whole rollout", async () => {
            const clients = load();
            const outcome = await upgrade("v0.11.1");
            const r = await clients.stop();
            console.log(`      measured: good upgrade ${outcome.seconds.toFixed(1)} s; client requests sent ${r.sent}, failed ${r.failed} (load ${r.seconds.toFixed(0)} s)`);
            expect(outcome.ok, outcome.report).to.equal(true);
            expect(outcome.steps.map((s) => s.gate)).to.deep.equal(["preview", "up", "ready", "smoke", "metrics", "ttft", "complete"]);
            expect(r.failures, JSON.stringify(r.failures)).to.deep.equal([]);
            expect(r.sent).to.be.greaterThan(100);
            await expectSettled(IMAGE("v0.11.1"));
        });
    });

    describe("versions the gates refuse (each rolled back, the stack exactly as before)", () => {
        it("a renamed metric (v0.10.2 lacks vllm:inter_token_latency_seconds) is refused at the metric gate with zero failed requests", async () => {
            const clients = load();
            const outcome = await upgrade("v0.10.2");
            const r = await clients.stop();
            console.log(`      measured: metric-gate refusal ${outcome.seconds.toFixed(1)} s; client requests sent ${r.sent}, failed ${r.failed}`);
            expect(outcome.ok).to.equal(false);
            expect(outcome.failedGate).to.equal("metrics");
            expect(outcome.steps.find((s) => s.gate === "metrics")!.figure).to.contain("vllm:inter_token_latency_seconds_bucket");
            expect(outcome.report).to.contain("refused at the metrics gate");
            expect(r.failures, JSON.stringify(r.failures)).to.deep.equal([]);
            await expectSettled(IMAGE("v0.11.1"));
        });

        it("a slow version (v0.11.2, TTFT ~1.5 s) is refused at the TTFT gate", async () => {
            const clients = load();
            const outcome = await upgrade("v0.11.2");
            const r = await clients.stop();
            const ttft = outcome.steps.find((s) => s.gate === "ttft");
            console.log(`      measured: TTFT-gate refusal ${outcome.seconds.toFixed(1)} s (${ttft?.figure}); client requests sent ${r.sent}, failed ${r.failed}`);
            expect(outcome.failedGate).to.equal("ttft");
            expect(r.failures, JSON.stringify(r.failures)).to.deep.equal([]);
            await expectSettled(IMAGE("v0.11.1"));
        });

        it("a version that never becomes Ready (v0.11.3) is refused within its startup budget", async () => {
            const outcome = await upgrade("v0.11.3");
            const ready = outcome.steps.find((s) => s.gate === "ready")!;
            console.log(`      measured: readiness refusal ${outcome.seconds.toFixed(1)} s in all (${ready.detail?.slice(0, 120)})`);
            expect(outcome.failedGate).to.equal("ready");
            expect(ready.detail).to.contain(`startupTimeoutSeconds ${STARTUP_BUDGET_SECONDS} s`);
            await expectSettled(IMAGE("v0.11.1"));
        });
    });

    describe("a canary left by an interrupted upgrade", () => {
        it("is reported by the next upgrade (which changes nothing and offers --rollback); --rollback converges", async () => {
            // What Ctrl-C after `pulumi up` leaves: the canary config and Deployment.
            await ws.setConfig("canaryImage", IMAGE("v0.11.2"));
            await ws.up({ policyPack: true });
            const err = await upgrade("v0.11.4").catch((e) => e);
            expect(err).to.be.instanceOf(CanaryExistsError);
            expect((err as Error).message).to.contain(`npm run upgrade -- --stack ${STACK} --rollback`);
            const r = await runRollback(STACK, ws, env.kubeconfig, log);
            console.log(`      measured: rollback of a leftover canary ${r.seconds.toFixed(1)} s`);
            expect(r.removed).to.equal(true);
            await expectSettled(IMAGE("v0.11.1"));
        });
    });
});
