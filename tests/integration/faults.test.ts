/**
 * Faults in the elasticity loop, under load, on the local environment (issue 14 part 4): the loop
 * stack at maxReplicas with 24 streams, then one fault at a time, each bounded in time, each
 * reported as requests failed out of those in flight during it, time to recover and replicas
 * before/after (`measured: ...` lines; the README's Faults table has the figures).
 *
 *   Prometheus restarted  the data path does not need it: no request fails; the vLLM series have
 *                         fresh samples again within the restart + one scrape + slack
 *   adapter stopped       the HPA loses its metric: ScalingActive=False, it HOLDS its replicas (never
 *                         to minReplicas), VllmHPAMetricUnavailable goes pending (its `for` is 10m,
 *                         longer than this file may run); back to ScalingActive=True after a restart
 *   vLLM pod killed       only requests on that pod fail; the Deployment replaces it; no request is
 *                         sent to the new pod before it is Ready (the simulator loads 5 s first)
 *   API server restarted  the data path does not need it: no request fails; the API answers again
 *                         and the HPA keeps its replicas
 */
import { AdapterTiming } from "@vllm-pulumi/kube-parser";
import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ALERT_NAMES } from "../../components/slo/prometheusRule";
import { Environment, startEnvironment, stopEnvironment } from "../../env/environment";
import { SIM_ANNOTATION_PREFIX } from "../../env/pods/vllmContainer";
import { hpaPodsMetricValue } from "../../scripts/load/kubeTarget";
import { PulumiWorkspace } from "../../scripts/pulumi-workspace";
import { REPO_ROOT } from "../../scripts/toolchain";
import { Kube, eventually, kubeClients } from "../support/kube";
import { ClientRequest, LoadRun, promAlerts, promQuery, startLoad } from "./loop/clients";
import { HPA, HPA_SYNC_SECONDS, LOOP_NS, LOOP_STACK, SCRAPE_SECONDS, loopStackYaml } from "./loop/loopStack";

const STATE_DIR = path.join(REPO_ROOT, ".cache", "test-faults");
const NAME = "vllm-server";
/** A replaced pod's simulator loads this long before it listens: readiness must keep traffic off it meanwhile. */
const LOAD_SECONDS = 5;
/** Long enough for every fault below at its bound; the run ends on its own (its JSON has every request). */
const RUN_SECONDS = 210;
const STREAMS = 24;

interface Window {
    fault: string;
    from: number;
    to: number;
    replicasBefore: number;
    replicasAfter: number;
}

describe("@integration @elasticity faults in the loop, under load", function () {
    this.timeout(15 * 60_000);
    let env: Environment;
    let kube: Kube;
    let load: LoadRun;
    const windows: Window[] = [];
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-faults-"));

    const hpa = () => kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: NAME, namespace: LOOP_NS });
    const deployment = () => kube.apps.readNamespacedDeployment({ name: NAME, namespace: LOOP_NS });
    const replicas = async () => (await deployment()).spec?.replicas ?? 0;
    const scalingActive = async () => (await hpa()).status?.conditions?.find((c) => c.type === "ScalingActive");
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

    before(async function () {
        env = await startEnvironment({ stateDir: STATE_DIR });
        kube = kubeClients(env.kubeconfig, env.kubectl);
        const annotations = { [`${SIM_ANNOTATION_PREFIX}load-seconds`]: String(LOAD_SECONDS) };
        kube.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: LOOP_NS, annotations } }]);
        const ws = new PulumiWorkspace({ dir: path.join(tmp, "ws"), kubeconfig: env.kubeconfig });
        fs.writeFileSync(path.join(ws.projectDir, `Pulumi.${LOOP_STACK}.yaml`), loopStackYaml());
        await ws.selectStack(LOOP_STACK);
        await ws.setSecret("apiKey", `key-faults-${crypto.randomBytes(16).toString("hex")}`);
        await ws.must(["up", "--yes", "--skip-preview", "--policy-pack", path.join(REPO_ROOT, "policy")], { timeoutMs: 10 * 60_000 });
        const outputs = JSON.parse((await ws.must(["stack", "output", "--json"])).stdout) as { adapterRules: string; adapterSettings: AdapterTiming };
        env.configureAdapter(outputs.adapterRules, outputs.adapterSettings);
        await eventually("the HPA's Pods metric", async () => hpaPodsMetricValue((await hpa()).status?.currentMetrics), 90_000, 1_000);
        // 24 in flight on at most 3 replicas of 4 sequences: the HPA goes to maxReplicas and stays there.
        load = startLoad(env, { seconds: RUN_SECONDS, concurrency: STREAMS, namespace: LOOP_NS, service: NAME });
        await eventually(
            `${HPA.maxReplicas} Ready replicas under load`,
            async () => ((await deployment()).status?.readyReplicas === HPA.maxReplicas ? true : undefined),
            (10 + SCRAPE_SECONDS + HPA_SYNC_SECONDS + LOAD_SECONDS + 30) * 1000,
            1_000,
        );
    });

    after(async function () {
        if (load) {
            const r = await load.done.catch(() => undefined);
            if (r) report(r.requests);
        }
        if (env) await stopEnvironment({ stateDir: STATE_DIR });
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    /** Requests in flight during a fault's window: sent before it ended and finished after it began. */
    function during(requests: ClientRequest[], w: Window): { sent: number; failed: number } {
        const inWindow = requests.filter((r) => (r.startedAt ?? 0) <= w.to && (r.finishedAt ?? Infinity) >= w.from);
        return { sent: inWindow.length, failed: inWindow.filter((r) => !r.ok).length };
    }

    function report(requests: ClientRequest[]): void {
        for (const w of windows) {
            const d = during(requests, w);
            console.log(
                `      measured: ${w.fault}: ${d.failed} of ${d.sent} requests in flight failed; recovered in ${seconds(w.to - w.from)}; replicas ${w.replicasBefore} -> ${w.replicasAfter}`,
            );
        }
    }

    it("Prometheus restarted: fresh vLLM samples again within the restart + one scrape + slack", async () => {
        const before = await replicas();
        const from = Date.now();
        await env.restartProcess("prometheus");
        const restartedAt = Date.now();
        const fresh = `timestamp(vllm:num_requests_waiting{namespace="${LOOP_NS}"})`;
        await eventually(
            "a vLLM sample scraped after the restart",
            async () => ((await promQuery(env, fresh)).some((s) => Number(s.value[1]) * 1000 > restartedAt) ? true : undefined),
            (SCRAPE_SECONDS + 20) * 1000,
            1_000,
        );
        windows.push({ fault: "Prometheus restarted", from, to: Date.now(), replicasBefore: before, replicasAfter: await replicas() });
        expect(await replicas()).to.equal(before);
    });

    it("adapter stopped: the HPA holds its replicas, ScalingActive=False, VllmHPAMetricUnavailable pending; back after a restart", async () => {
        const before = await replicas();
        expect(before).to.equal(HPA.maxReplicas);
        const from = Date.now();
        await env.stopProcess("prometheus-adapter");
        const inactive = await eventually(
            "ScalingActive=False",
            async () => ((await scalingActive())?.status === "False" ? await scalingActive() : undefined),
            (HPA_SYNC_SECONDS + 10) * 1000,
            1_000,
        );
        console.log(`      measured: adapter stopped: ScalingActive=False (${inactive?.reason}) ${seconds(Date.now() - from)} after the stop`);
        // KSM exports the condition, Prometheus scrapes it (5 s) and evaluates the rule (5 s).
        await eventually(
            `${ALERT_NAMES.hpaMetricUnavailable} pending`,
            async () => ((await promAlerts(env)).some((a) => a.labels.alertname === ALERT_NAMES.hpaMetricUnavailable && a.labels.namespace === LOOP_NS && a.state === "pending") ? true : undefined),
            (2 * SCRAPE_SECONDS + 5 + 20) * 1000,
            1_000,
        );
        // Two more HPA syncs without a metric: replicas stay where they were (never minReplicas).
        const holdUntil = Date.now() + 2 * HPA_SYNC_SECONDS * 1000;
        while (Date.now() < holdUntil) {
            expect(await replicas(), "replicas while the metric is unavailable").to.equal(before);
            expect((await hpa()).status?.desiredReplicas ?? before).to.equal(before);
            await new Promise((r) => setTimeout(r, 2_000));
        }
        await env.restartProcess("prometheus-adapter");
        await eventually(
            "ScalingActive=True and a metric value again",
            async () => ((await scalingActive())?.status === "True" && hpaPodsMetricValue((await hpa()).status?.currentMetrics) !== undefined ? true : undefined),
            (SCRAPE_SECONDS + HPA_SYNC_SECONDS + 20) * 1000,
            1_000,
        );
        windows.push({ fault: "adapter stopped (held 30 s, then restarted)", from, to: Date.now(), replicasBefore: before, replicasAfter: await replicas() });
    });

    it("vLLM pod killed: the Deployment replaces it, and no request reaches the new pod before it is Ready", async () => {
        const before = await replicas();
        const pods = await kube.core.listNamespacedPod({ namespace: LOOP_NS, labelSelector: `app.kubernetes.io/instance=${NAME}` });
        const victim = pods.items[0].metadata!.name!;
        const oldNames = new Set(pods.items.map((p) => p.metadata!.name!));
        const from = Date.now();
        kube.kubectl(["-n", LOOP_NS, "delete", "pod", victim, "--grace-period=0", "--force", "--wait=false"]);
        const replacement = await eventually(
            "a replacement pod Ready",
            async () => {
                const now = await kube.core.listNamespacedPod({ namespace: LOOP_NS, labelSelector: `app.kubernetes.io/instance=${NAME}` });
                return now.items.find((p) => !oldNames.has(p.metadata!.name!) && p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
            },
            (LOAD_SECONDS + 30) * 1000,
            500,
        );
        await eventually(`${before} Ready replicas`, async () => ((await deployment()).status?.readyReplicas === before ? true : undefined), 30_000, 500);
        const to = Date.now();
        windows.push({ fault: "vLLM pod killed", from, to, replicasBefore: before, replicasAfter: await replicas() });
        const readyAt = Date.parse(String(replacement.status!.conditions!.find((c) => c.type === "Ready")!.lastTransitionTime));
        const started = Date.parse(String(replacement.status!.startTime));
        expect(readyAt - started, "Ready only after the simulator loaded").to.be.at.least(LOAD_SECONDS * 1000 - 500);
        newPod = { ip: replacement.status!.podIP!, killedAt: from, readyAt };
    });
    let newPod: { ip: string; killedAt: number; readyAt: number } | undefined;

    it("API server restarted: it answers again and the HPA keeps its replicas", async () => {
        const before = await replicas();
        const from = Date.now();
        await env.restartProcess("kube-apiserver");
        await eventually("the API server through the host relay", async () => (kube.kubectl(["get", "--raw", "/readyz"]).trim() === "ok" ? true : undefined), 60_000, 500);
        const to = Date.now();
        windows.push({ fault: "API server restarted", from, to, replicasBefore: before, replicasAfter: await replicas() });
        // One HPA sync after the restart: the controller-manager reconnected and still sees maxReplicas.
        await new Promise((r) => setTimeout(r, HPA_SYNC_SECONDS * 1000));
        expect(await replicas()).to.equal(before);
        expect((await hpa()).status?.desiredReplicas).to.equal(before);
    });

    it("failed requests: none for Prometheus or the API server, only the killed pod's for the pod, none to the new pod before Ready", async () => {
        const { requests } = await load.done;
        report(requests);
        load = undefined as unknown as LoadRun; // reported
        const by = (fault: string) => during(requests, windows.find((w) => w.fault.startsWith(fault))!);
        expect(by("Prometheus").failed, "the data path does not go through Prometheus").to.equal(0);
        expect(by("API server").failed, "the data path does not go through the API server").to.equal(0);
        expect(by("adapter").failed).to.equal(0);
        expect(by("vLLM pod").failed, "at most the killed pod's in-flight requests").to.be.at.most(STREAMS);
        // kwok may hand the killed pod's IP to its replacement; the client refreshes its endpoints
        // every second, so a request to that IP in the first 2 s after the kill went to the old pod.
        const early = requests.filter(
            (r) => newPod && r.endpoint?.includes(`//${newPod.ip}:`) && (r.startedAt ?? 0) > newPod.killedAt + 2_000 && (r.startedAt ?? 0) < newPod.readyAt,
        );
        expect(early.length, "requests sent to the new pod before it was Ready").to.equal(0);
    });
});
