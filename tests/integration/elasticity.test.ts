/**
 * The elasticity loop, end to end, on the local environment: simulated vLLM pods expose their
 * queue -> Prometheus (run by prometheus-operator from the stack's ServiceMonitor) -> the stack's
 * adapter rule in prometheus-adapter -> the kube-controller-manager's HPA -> replicas, which kwok
 * schedules and the pod runner starts. Also the SLO rules and capacity alerts on live data.
 *
 * Timing bounds come from the loop stack's settings (./loop/loopStack.ts):
 *   scale-up   <= load start-up (10 s) + scrape interval (5 s) + HPA sync period (15 s) + slack (15 s)
 *   scale-down >= stabilization (45 s) - sync period (15 s): the last high recommendation was one
 *                 sync before the HPA first reported the queue below target; without the window it
 *                 would scale down at that very sync
 *   scale-down <= stabilization + sync period + slack (15 s)
 */
import { AdapterTiming } from "@vllm-pulumi/kube-parser";
import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ALERT_NAMES } from "../../components/slo/prometheusRule";
import { VLLM, exposedSeries } from "../../components/slo/vllmMetrics";
import { Environment, startEnvironment, stopEnvironment } from "../../env/environment";
import { SIM_ANNOTATION_PREFIX } from "../../env/pods/vllmContainer";
import { hpaPodsMetricValue } from "../../scripts/load/kubeTarget";
import { PulumiWorkspace } from "../../scripts/pulumi-workspace";
import { REPO_ROOT } from "../../scripts/toolchain";
import { Kube, eventually, kubeClients } from "../support/kube";
import { ClientRequest, clientCompliance, promAlerts, promQuery, startLoad } from "./loop/clients";
import { HPA, HPA_SYNC_SECONDS, LOOP_NS, LOOP_STACK, SCRAPE_SECONDS, TTFT_TARGET_SECONDS, loopStackYaml } from "./loop/loopStack";

const STATE_DIR = path.join(REPO_ROOT, ".cache", "test-loop");
const NAME = "vllm-server";
const SLOW_PREFILL = `${SIM_ANNOTATION_PREFIX}prefill-ms-per-token`;
/** Prometheus has a finished run's last requests after one scrape and one rule evaluation (both 5 s). */
const SETTLE_MS = (2 * SCRAPE_SECONDS + 5) * 1000;
/** Absolute tolerance between the recording rule and the client on TTFT compliance (bucket edges, scrape timing). */
const COMPLIANCE_TOLERANCE = 0.05;
const TTFT_RULE = `vllm_slo:ttft_compliance:ratio_rate5m{namespace="${LOOP_NS}"}`;
const [, TTFT_COUNT] = exposedSeries(VLLM.ttft);

describe("@integration @elasticity elasticity loop: queue -> Prometheus -> adapter -> HPA -> replicas", function () {
    this.timeout(30 * 60_000);
    let env: Environment;
    let kube: Kube;
    let ws: PulumiWorkspace;
    const requests: ClientRequest[] = [];
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-loop-"));

    async function hpa() {
        return kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: NAME, namespace: LOOP_NS });
    }
    async function up(overrides: Record<string, unknown> = {}) {
        fs.writeFileSync(path.join(ws.projectDir, `Pulumi.${LOOP_STACK}.yaml`), loopStackYaml(overrides));
        await ws.selectStack(LOOP_STACK);
        await ws.setSecret("apiKey", apiKey);
        await ws.must(["up", "--yes", "--skip-preview", "--policy-pack", path.join(REPO_ROOT, "policy")], { timeoutMs: 10 * 60_000 });
    }
    async function run(seconds: number, concurrency: number) {
        const r = await startLoad(env, { seconds, concurrency, namespace: LOOP_NS, service: NAME }).done;
        requests.push(...r.requests);
        return r;
    }
    async function ttftRule(): Promise<number> {
        const s = await promQuery(env, TTFT_RULE);
        expect(s, `${TTFT_RULE} has a value`).to.have.length(1);
        return Number(s[0].value[1]);
    }
    /** Restarts the pods with the namespace's simulator knobs (the runner reads them at start). */
    async function setSimKnobs(knobs: Record<string, string | null>) {
        const labelSelector = `app.kubernetes.io/instance=${NAME}`;
        const old = new Set((await kube.core.listNamespacedPod({ namespace: LOOP_NS, labelSelector })).items.map((p) => p.metadata?.uid));
        const patch = { metadata: { annotations: knobs } };
        kube.kubectl(["patch", "namespace", LOOP_NS, "--type", "merge", "-p", JSON.stringify(patch)]);
        kube.kubectl(["-n", LOOP_NS, "delete", "pods", "-l", labelSelector, "--wait=false"]);
        const t0 = Date.now();
        // Judged on the new pods themselves: kwok removes a deleted pod at once, and the Deployment's
        // readyReplicas still counts the old one for a moment, so "no terminating pod and readyReplicas
        // = replicas" held before the replacement (preStop 10 s + probes) was Ready and the slow run
        // lost most of its 30 s (6 slow requests instead of ~15; seen 2026-12-04).
        await eventually(
            "the restarted pods to be Ready",
            async () => {
                const d = await kube.apps.readNamespacedDeployment({ name: NAME, namespace: LOOP_NS });
                const pods = (await kube.core.listNamespacedPod({ namespace: LOOP_NS, labelSelector })).items;
                const ready = (p: (typeof pods)[number]) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
                const restarted = pods.every((p) => !old.has(p.metadata?.uid) && !p.metadata?.deletionTimestamp && ready(p));
                return restarted && pods.length === d.spec?.replicas ? true : undefined;
            },
            60_000,
        );
        console.log(`      measured: pods restarted with ${JSON.stringify(knobs)} and Ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    const apiKey = `key-loop-${crypto.randomBytes(16).toString("hex")}`;

    before(async function () {
        // A leftover environment of an interrupted run is stopped; the new one starts with an empty TSDB
        // (env/monitoring/prometheus.ts): the previous run's pods in the rules' 5-minute windows were the
        // 0.85 vs 1.0 of 2026-12-04, when Prometheus kept its data across starts.
        await stopEnvironment({ stateDir: STATE_DIR, log: () => undefined });
        env = await startEnvironment({ stateDir: STATE_DIR });
        kube = kubeClients(env.kubeconfig, env.kubectl);
        kube.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: LOOP_NS } }]);
        ws = new PulumiWorkspace({ dir: path.join(tmp, "ws"), kubeconfig: env.kubeconfig });
        await up();
        const outputs = JSON.parse((await ws.must(["stack", "output", "--json"])).stdout) as { adapterRules: string; adapterSettings: AdapterTiming };
        env.configureAdapter(outputs.adapterRules, outputs.adapterSettings);
    });

    after(async function () {
        if (env) await stopEnvironment({ stateDir: STATE_DIR });
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    // Mocha runs a suite's own tests before its nested suites: every test sits in a describe, in order.
    describe("the HPA's metric", () => {
    it("gives the HPA a number for vllm:num_requests_waiting (not <unknown>)", async () => {
        const value = await eventually("the HPA's Pods metric", async () => hpaPodsMetricValue((await hpa()).status?.currentMetrics), 90_000, 1_000);
        expect(value).to.be.a("number");
        const active = (await hpa()).status?.conditions?.find((c) => c.type === "ScalingActive");
        expect(active?.status, active?.message).to.equal("True");
    });
    });

    describe("SLO recording rules on live simulator data", () => {

    it("records TTFT compliance that agrees with the client while the simulator is fast", async () => {
        await run(30, 2);
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        const client = clientCompliance(requests, Date.now() - 300_000, Date.now(), TTFT_TARGET_SECONDS);
        const rule = await ttftRule();
        console.log(`      measured: fast: rule ${rule.toFixed(3)}, client ${client.ratio.toFixed(3)} (n=${client.n})`);
        // The rule's inputs are this run's pods only (the client knows nothing of others).
        const pods = (await kube.core.listNamespacedPod({ namespace: LOOP_NS, labelSelector: `app.kubernetes.io/instance=${NAME}` })).items.map((p) => p.metadata?.name);
        const inputs = (await promQuery(env, `group by (pod) (last_over_time(${TTFT_COUNT}{namespace="${LOOP_NS}"}[5m]))`)).map((s) => s.metric.pod);
        expect(inputs.sort(), "pods in the rule's 5-minute inputs").to.deep.equal(pods.sort());
        expect(client.n).to.be.greaterThan(20);
        expect(client.ratio).to.be.at.least(0.95);
        expect(Math.abs(rule - client.ratio), `rule ${rule} vs client ${client.ratio} (n=${client.n})`).to.be.at.most(COMPLIANCE_TOLERANCE);
    });

    it("shows compliance dropping, still in agreement, when the simulator is slowed", async () => {
        const before = await ttftRule();
        const clientBefore = clientCompliance(requests, Date.now() - 300_000, Date.now(), TTFT_TARGET_SECONDS).ratio;
        // ~30 prompt tokens x 40 ms: TTFT above the 500 ms target for every request.
        await setSimKnobs({ [SLOW_PREFILL]: "40" });
        const slow = await run(30, 2);
        expect(clientCompliance(slow.requests, 0, Infinity, TTFT_TARGET_SECONDS).ratio).to.be.below(0.1);
        // The restarted pods are new scrape targets: their first samples and the next rule evaluation
        // arrive a few intervals after the run (seen once in CI: a single fixed wait read 0.87). Poll,
        // bounded, until the rule shows the slow run and agrees with the client.
        const { rule, client } = await eventually(
            "the TTFT recording rule to show the slow run and agree with the client",
            async () => {
                const client = clientCompliance(requests, Date.now() - 300_000, Date.now(), TTFT_TARGET_SECONDS);
                const rule = await ttftRule();
                const agrees = Math.abs(rule - client.ratio) <= COMPLIANCE_TOLERANCE;
                if (rule >= before || !agrees) throw new Error(`rule ${rule} (before ${before}) vs client ${client.ratio} (n=${client.n})`);
                return { rule, client };
            },
            3 * SETTLE_MS,
            2_000,
        );
        console.log(`      measured: slow: rule ${rule.toFixed(3)} (before ${before.toFixed(3)}), client ${client.ratio.toFixed(3)} (n=${client.n}, before ${clientBefore.toFixed(3)})`);
        // The drop is judged on the client's own figures; the rule must follow them (agreement above).
        expect(client.ratio, "the slow run lowers the client's 5-minute compliance").to.be.below(clientBefore - 0.2);
        expect(Math.abs(rule - client.ratio), `rule ${rule} vs client ${client.ratio} (n=${client.n})`).to.be.at.most(COMPLIANCE_TOLERANCE);
        await setSimKnobs({ [SLOW_PREFILL]: null });
    });
    });

    describe("under load beyond the maximum capacity", () => {
        let load: ReturnType<typeof startLoad>;
        let maxReachedAt = 0;

        it("scales from minReplicas to maxReplicas within the derived bound", async () => {
            const bound = 10 + SCRAPE_SECONDS + HPA_SYNC_SECONDS + 15;
            const t0 = Date.now();
            // 24 in flight: 3 replicas run 12 (max-num-seqs 4), 12 wait = 4 per replica > target 2.
            load = startLoad(env, { seconds: 130, concurrency: 24, namespace: LOOP_NS, service: NAME });
            await eventually(`desiredReplicas = ${HPA.maxReplicas}`, async () => ((await hpa()).status?.desiredReplicas === HPA.maxReplicas ? true : undefined), bound * 1000, 1_000);
            maxReachedAt = Date.now();
            console.log(`      measured: ${HPA.minReplicas} -> ${HPA.maxReplicas} desired replicas ${((maxReachedAt - t0) / 1000).toFixed(1)} s after the load started (bound ${bound} s)`);
            expect((maxReachedAt - t0) / 1000).to.be.at.most(bound);
            expect(hpaPodsMetricValue((await hpa()).status?.currentMetrics)).to.be.greaterThan(HPA.queueTarget);
            await eventually(
                `${HPA.maxReplicas} Ready replicas (simulators started by the pod runner)`,
                async () => ((await kube.apps.readNamespacedDeployment({ name: NAME, namespace: LOOP_NS })).status?.readyReplicas === HPA.maxReplicas ? true : undefined),
                60_000,
            );
        });

        it("fires the queue-at-maxReplicas alert while the queue stays above target at maxReplicas", async () => {
            // for: 1m, after KSM and the vLLM gauges are scraped and a rule evaluation sees both.
            const bound = 60 + 3 * SCRAPE_SECONDS + 5 + 20;
            await eventually(
                `${ALERT_NAMES.queueAtMax} firing`,
                async () => ((await promAlerts(env)).some((a) => a.labels.alertname === ALERT_NAMES.queueAtMax && a.labels.namespace === LOOP_NS && a.state === "firing") ? true : undefined),
                bound * 1000 - (Date.now() - maxReachedAt),
                2_000,
            );
        });

        it("returns to minReplicas after the load, no earlier than the stabilization window allows", async () => {
            const r = await load.done;
            requests.push(...r.requests);
            expect(r.summaryLine).to.match(new RegExp(`^scaled ${HPA.minReplicas} -> ${HPA.maxReplicas} replicas in \\d+ s`));
            const lowAt = await eventually(
                "the HPA to report the queue below target",
                async () => ((hpaPodsMetricValue((await hpa()).status?.currentMetrics) ?? Infinity) < HPA.queueTarget ? Date.now() : undefined),
                60_000,
                500,
            );
            const S = HPA.scaleDownStabilizationSeconds;
            const downAt = await eventually(
                `desiredReplicas = ${HPA.minReplicas}`,
                async () => ((await hpa()).status?.desiredReplicas === HPA.minReplicas ? Date.now() : undefined),
                (S + HPA_SYNC_SECONDS + 30) * 1000,
                500,
            );
            const seconds = (downAt - lowAt) / 1000;
            console.log(`      measured: back to ${HPA.minReplicas} replica ${seconds.toFixed(1)} s after the HPA first saw the queue below target (window ${S} s)`);
            expect(seconds, "scale-down waited for the stabilization window").to.be.at.least(S - HPA_SYNC_SECONDS - 2);
            expect(seconds, "and not much longer").to.be.at.most(S + HPA_SYNC_SECONDS + 15);
        });
    });

    describe("with a ServiceMonitor that Prometheus does not select (the recipe's first failure mode)", () => {
    it("fires the metrics-absent alert", async () => {
        await up({ serviceMonitorLabels: { release: "not-selected-by-prometheus" } });
        await eventually(
            "the vLLM targets gone from Prometheus",
            async () => ((await promQuery(env, `up{namespace="${LOOP_NS}"}`)).length === 0 ? true : undefined),
            60_000,
            2_000,
        );
        await eventually(
            `${ALERT_NAMES.metricsAbsent} firing`,
            async () => ((await promAlerts(env)).some((a) => a.labels.alertname === ALERT_NAMES.metricsAbsent && a.state === "firing") ? true : undefined),
            (60 + 3 * SCRAPE_SECONDS + 30) * 1000,
            2_000,
        );
    });
    });
});
