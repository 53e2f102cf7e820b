/**
 * The upgrade's gates and the zero-failure rollout on the local environment, without Pulumi: the
 * component's rendered objects applied with kubectl (stable Deployment, Service, ServiceMonitor,
 * PrometheusRule, then a canary Deployment per case), real Prometheus (via the Operator) scraping
 * simulators whose /metrics follow the image's vLLM version, client load inside the namespace.
 * tests/upgrade/upgrade.test.ts runs the same gates through `npm run upgrade`'s Pulumi flow.
 *
 * Tuned for wall time: 5 s scrapes, a 15 s TTFT window, 4 clients with 16-token answers.
 */
import { expect } from "chai";
import * as path from "path";
import { canaryDeploymentArgs } from "../../components/manifests/canaryDeployment";
import { deploymentArgs } from "../../components/manifests/deployment";
import { serviceArgs } from "../../components/manifests/service";
import { serviceMonitorManifest } from "../../components/manifests/serviceMonitor";
import { prometheusRuleManifest } from "../../components/manifests/slo";
import { renderAdapterConfigYaml } from "../../components/slo";
import { validateArgs } from "../../components/validate";
import { VllmServiceArgs } from "../../components/args";
import { Environment, startEnvironment, stopEnvironment } from "../../env/environment";
import { SIM_ANNOTATION_PREFIX } from "../../env/pods/vllmContainer";
import { REPO_ROOT } from "../../scripts/toolchain";
import { TrackPods } from "../../upgrade/canaryPods";
import { metricGate } from "../../upgrade/gates/metricNames";
import { ttftGate } from "../../upgrade/gates/ttft";
import { wrappedReach } from "../../upgrade/podReach";
import { PrometheusClient } from "../../upgrade/prometheus";
import { requiredMetrics } from "../../upgrade/requiredMetrics";
import { eventually, Kube, kubeClients } from "../support/kube";
import { startClientLoad } from "./clientLoad";

const STATE_DIR = path.join(REPO_ROOT, ".cache", "test-upgrade-gates");
const NS = "vllm-gates";
const WINDOW = 15;
const SCRAPE = 5;
const plain = (o: object) => JSON.parse(JSON.stringify(o));
const BASE: VllmServiceArgs = {
    model: "Qwen/Qwen2.5-0.5B-Instruct", modelRevision: "7ae557604adf67be50417f59c2c2f167def9a775", namespace: NS, name: "vllm-server",
    autoscalingEnabled: false, replicas: 2, apiKeyEnabled: false, scrapeInterval: `${SCRAPE}s`, startupTimeoutSeconds: 30,
    maxModelLen: 4096, shmSizeLimit: "2Gi", cpuRequest: "1", memory: "4Gi", extraArgs: ["--max-num-seqs=8"],
};

describe("@integration upgrade gates and rollouts on the local environment (no Pulumi)", function () {
    this.timeout(20 * 60_000);
    let env: Environment;
    let kube: Kube;
    let prom: PrometheusClient;
    const m = validateArgs("vllm-server", BASE);
    const pods = () => new TrackPods(env.kubeconfig, NS, m.name);
    const log = (l: string) => console.log(`      ${l}`);

    async function canary(tag: string): Promise<string[]> {
        const withCanary = validateArgs("vllm-server", { ...BASE, canaryImage: `vllm/vllm-openai:${tag}` });
        kube.apply([{ apiVersion: "apps/v1", kind: "Deployment", ...plain(canaryDeploymentArgs(withCanary, withCanary.canary!)) }]);
        const ready = await pods().waitReady(60);
        return ready.pods.map((p) => p.name);
    }
    async function removeCanary(): Promise<void> {
        kube.kubectl(["-n", NS, "delete", "deployment", `${m.name}-canary`, "--wait=false"]);
        await eventually("the canary pods gone", async () => ((await pods().pods("canary")).length === 0 && !(await pods().canaryExists()) ? true : undefined), 60_000);
    }
    async function required(): Promise<string[]> {
        return (await requiredMetrics({ kubeconfig: env.kubeconfig, namespace: NS, name: m.name, adapterRulesYaml: renderAdapterConfigYaml() })).names;
    }
    async function ttft(canaryPods: string[]) {
        await new Promise((r) => setTimeout(r, (WINDOW + 2 * SCRAPE) * 1000));
        const stable = (await pods().pods("stable")).map((p) => p.name);
        return ttftGate({ prom, namespace: NS, canaryPods, stablePods: stable, targetSeconds: 0.5, objective: 0.99, tolerance: 0.05, minRequests: 10, windowSeconds: WINDOW });
    }

    before(async function () {
        env = await startEnvironment({ stateDir: STATE_DIR });
        kube = kubeClients(env.kubeconfig, env.kubectl);
        prom = new PrometheusClient(env.prometheusUrl);
        const knobs = { [`${SIM_ANNOTATION_PREFIX}tag-v0.11.2.prefill-ms-per-token`]: "40" };
        kube.apply([
            { apiVersion: "v1", kind: "Namespace", metadata: { name: NS, annotations: knobs } },
            { apiVersion: "apps/v1", kind: "Deployment", ...plain(deploymentArgs(m)) },
            { apiVersion: "v1", kind: "Service", ...plain(serviceArgs(m)) },
            plain(serviceMonitorManifest(m, m.serviceMonitor!)),
            plain(prometheusRuleManifest(m)),
        ]);
        await eventually("2 stable pods Ready", async () => ((await pods().pods("stable")).filter((p) => p.ready).length === 2 ? true : undefined), 90_000);
    });

    afterEach(async function () {
        if (env && (await pods().canaryExists())) await removeCanary();
    });

    after(async function () {
        if (env) await stopEnvironment({ stateDir: STATE_DIR });
    });

    it("a good canary (v0.11.1) answers, exports every name the rules read and passes the TTFT gate; adding and removing it fails no request", async () => {
        const clients = startClientLoad(env, { namespace: NS, service: m.name, model: "default", concurrency: 4 });
        const names = await canary("v0.11.1");
        const smoke = await wrappedReach(env.inNamespace).smoke(`http://${(await pods().pods("canary"))[0].ip}:8000`, "default", undefined, 30);
        expect(smoke.ok, smoke.detail).to.equal(true);
        const need = await required();
        expect(need).to.include.members(["vllm:num_requests_waiting", "vllm:inter_token_latency_seconds_bucket", "vllm:time_to_first_token_seconds_bucket"]);
        const metrics = await metricGate({ prom, namespace: NS, pods: names, required: need, waitSeconds: 3 * SCRAPE + 10 });
        expect(metrics.missing).to.deep.equal({});
        const t = await ttft(names);
        log(`measured: good canary TTFT within 0.5 s: canary ${t.canary.compliance} of ${t.canary.requests}, stable ${t.stable.compliance} of ${t.stable.requests}`);
        expect(t.ok, t.reason).to.equal(true);
        await removeCanary();
        await new Promise((r) => setTimeout(r, 12_000)); // past the canary pod's preStop sleep and drain
        const r = await clients.stop();
        log(`measured: canary added and removed under load: sent ${r.sent}, failed ${r.failed}`);
        expect(r.failures, JSON.stringify(r.failures)).to.deep.equal([]);
    });

    it("a 0.10 canary (v0.10.2) misses the inter-token latency series the TPOT SLO reads", async () => {
        const names = await canary("v0.10.2");
        await wrappedReach(env.inNamespace).smoke(`http://${(await pods().pods("canary"))[0].ip}:8000`, "default", undefined, 30);
        const metrics = await metricGate({ prom, namespace: NS, pods: names, required: await required(), waitSeconds: 3 * SCRAPE + 10 });
        log(`measured: v0.10.2 canary missing ${JSON.stringify(metrics.missing)} (gate waited ${metrics.seconds.toFixed(0)} s)`);
        expect(metrics.ok).to.equal(false);
        expect(Object.values(metrics.missing)[0]).to.deep.equal(["vllm:inter_token_latency_seconds_bucket", "vllm:inter_token_latency_seconds_count"]);
        await removeCanary();
    });

    it("a slow canary (v0.11.2, prefill 40 ms/token) fails the TTFT gate under load", async () => {
        const clients = startClientLoad(env, { namespace: NS, service: m.name, model: "default", concurrency: 4 });
        const t = await ttft(await canary("v0.11.2"));
        await removeCanary();
        const r = await clients.stop();
        log(`measured: slow canary TTFT within 0.5 s: canary ${t.canary.compliance} of ${t.canary.requests}, stable ${t.stable.compliance} of ${t.stable.requests}; failed requests ${r.failed}`);
        expect(t.ok).to.equal(false);
        expect(r.failures, JSON.stringify(r.failures)).to.deep.equal([]);
    });

    it("rolling the stable Deployment to the new image (what completing does) fails no request", async () => {
        const clients = startClientLoad(env, { namespace: NS, service: m.name, model: "default", concurrency: 4 });
        await new Promise((r) => setTimeout(r, 3000));
        const started = Date.now();
        const next = validateArgs("vllm-server", { ...BASE, image: "vllm/vllm-openai:v0.11.1" });
        kube.apply([{ apiVersion: "apps/v1", kind: "Deployment", ...plain(deploymentArgs(next)) }]);
        kube.kubectl(["-n", NS, "rollout", "status", `deployment/${m.name}`, "--timeout=180s"]);
        const rollout = (Date.now() - started) / 1000;
        await new Promise((r) => setTimeout(r, 12_000)); // past the old pods' preStop sleep and drain
        const r = await clients.stop();
        log(`measured: stable rollout of 2 replicas ${rollout.toFixed(1)} s; client requests sent ${r.sent}, failed ${r.failed}`);
        expect(r.failures, JSON.stringify(r.failures)).to.deep.equal([]);
        expect(r.sent).to.be.greaterThan(50);
    });
});
