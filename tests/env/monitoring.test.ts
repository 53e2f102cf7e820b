/**
 * The monitoring stack for real, as the HPA loop depends on it: prometheus-operator v0.93.1
 * reconciles a Prometheus object; Prometheus 3.13.1 runs exactly the Operator's config through
 * prometheus-config-reloader; a ServiceMonitor with the selected label gets its pod scraped (with
 * the `pod`/`namespace` labels the adapter rule needs) and one with another label does not; a
 * PrometheusRule is evaluated; prometheus-adapter v0.12.0, fed the component's own adapterRules,
 * serves the gauge per pod on custom.metrics.k8s.io through the API server's aggregation layer.
 *
 * The test process must live in the environment's network namespace (pod IPs, 127.0.0.1 of the
 * namespace), so on the host this file only runs itself again inside a throw-away namespace
 * (./netnsRun.ts) and checks that it passed and left no process behind.
 */
import { adapterTimingFor } from "@vllm-pulumi/kube-parser";
import { expect } from "chai";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { Gauge, Registry } from "prom-client";
import { renderAdapterConfigYaml } from "../../components/slo/adapterRule";
import { POD_CIDR, SERVICE_HOST_CIDR } from "../../env/environment";
import {
    AdapterHandle,
    Monitoring,
    activeTargets,
    ensureMonitoringToolchain,
    kubeFromFile,
    startAdapter,
    startMonitoring,
} from "../../env/monitoring";
import { startOperator } from "../../env/monitoring/operator";
import { getRaw } from "../../env/monitoring/kube";
import { runningConfig } from "../../env/monitoring/promApi";
import { isRunning } from "../../env/process";
import { ClusterInfo, ensureClusterToolchain, registerCleanup, startCluster, stopCluster } from "../../env/cluster";
import { REPO_ROOT } from "../../scripts/toolchain";
import { Kube, eventually, kubeClients } from "../support/kube";
import { runMochaInNetns } from "./netnsRun";

const MARKER = "VLLM_MONITORING_TEST_INSIDE";
const STATE_DIR = path.join(REPO_ROOT, ".cache", "test-monitoring");
const NS = "mon-test";
const ADAPTER_ADDRESS = "10.250.0.10"; // in SERVICE_HOST_CIDR, routed to lo in the namespace
const WAITING = 7;

if (process.env[MARKER] !== "1") {
    describe("@integration monitoring: operator, Prometheus, adapter (in a throw-away network namespace)", function () {
        it("passes inside the namespace and leaves no process running there", async function () {
            this.timeout(120 * 60_000); // a cold toolchain build takes tens of minutes on 2 cores
            const binDirs = ensureClusterToolchain();
            ensureMonitoringToolchain(binDirs); // built here, so the inner run only finds it cached
            const r = await runMochaInNetns({ testFile: __filename, marker: MARKER, logDir: STATE_DIR, localRanges: [POD_CIDR, SERVICE_HOST_CIDR] });
            expect(r.leaked, "processes left in the namespace").to.deep.equal([]);
            expect(r.status, "the inner run's exit status (its failures are printed above)").to.equal(0);
        });
    });
} else {
    describe("@integration monitoring inside the namespace", function () {
        this.timeout(120_000);
        let cluster: ClusterInfo;
        let mon: Monitoring | undefined;
        let adapter: AdapterHandle | undefined;
        let kube: Kube;
        let server: http.Server | undefined;
        let podIP: string;
        let binDirs: string[];
        const registry = new Registry();
        const waiting = new Gauge({ name: "vllm:num_requests_waiting", help: "Number of requests waiting to be processed.", labelNames: ["model_name", "engine"], registers: [registry] });

        before(async function () {
            this.timeout(10 * 60_000);
            binDirs = ensureMonitoringToolchain(ensureClusterToolchain());
            registerCleanup();
            cluster = await startCluster({ binDirs, stateDir: path.join(STATE_DIR, "cluster"), crds: "all", reuse: false });
            kube = kubeClients(cluster.kubeconfig, cluster.kubectl);
            mon = await startMonitoring({ cluster, stateDir: STATE_DIR, binDirs, scrapeInterval: "2s", evaluationInterval: "2s" });
            process.stderr.write(`      monitoring: Prometheus ran the Operator's config ${(mon.startMs / 1000).toFixed(1)} s after start\n`);
            podIP = await startFakeVllmPod();
            server = http.createServer(async (_req, res) => {
                res.setHeader("Content-Type", registry.contentType);
                res.end(await registry.metrics());
            });
            waiting.set({ model_name: "m", engine: "0" }, WAITING);
            await new Promise<void>((resolve, reject) => server!.once("error", reject).listen(8000, podIP, resolve));
        });

        after(async function () {
            this.timeout(120_000);
            // Each step runs even if an earlier one fails, so nothing is left running.
            const steps = [() => adapter?.stop(), () => mon?.stop(), () => server?.close(), () => stopCluster({ stateDir: path.join(STATE_DIR, "cluster") })];
            const errors: unknown[] = [];
            for (const step of steps) {
                try {
                    await step();
                } catch (e) {
                    errors.push(e);
                }
            }
            if (errors.length > 0) throw errors[0];
        });

        /** A kwok pod (IP from POD_CIDR) behind a Service; this process serves its /metrics. */
        async function startFakeVllmPod(): Promise<string> {
            kube.apply([
                { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } },
                {
                    apiVersion: "v1",
                    kind: "Pod",
                    metadata: { name: "vllm-0", namespace: NS, labels: { app: "vllm" } },
                    spec: { containers: [{ name: "vllm", image: "registry.invalid/vllm:sim", ports: [{ name: "http", containerPort: 8000 }] }] },
                },
                { apiVersion: "v1", kind: "Service", metadata: { name: "vllm", namespace: NS, labels: { app: "vllm" } }, spec: { selector: { app: "vllm" }, ports: [{ name: "http", port: 8000, targetPort: "http" }] } },
            ]);
            return eventually("the pod's IP", async () => (await kube.core.readNamespacedPod({ name: "vllm-0", namespace: NS })).status?.podIP, 60_000);
        }

        const serviceMonitor = (name: string, labels: Record<string, string>) => ({
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: { name, namespace: NS, labels },
            spec: { selector: { matchLabels: { app: "vllm" } }, endpoints: [{ port: "http", path: "/metrics", interval: "2s" }] },
        });
        const selected = { release: "kube-prom" }; // the component's default ServiceMonitor label
        const jobOf = (sm: string) => `serviceMonitor/${NS}/${sm}/0`;

        it("scrapes the pod behind a ServiceMonitor with the selected label, with pod and namespace labels", async () => {
            kube.apply([serviceMonitor("vllm", selected)]);
            const target = await eventually(
                "the ServiceMonitor's target to be up",
                async () => (await activeTargets(mon!.prometheusUrl)).find((t) => t.scrapePool === jobOf("vllm") && t.health === "up"),
                60_000,
            );
            expect(target.scrapeUrl).to.equal(`http://${podIP}:8000/metrics`);
            const [sample] = await eventually("the gauge in Prometheus", async () => nonEmpty(await mon!.query(`vllm:num_requests_waiting{namespace="${NS}"}`)), 30_000);
            expect(sample.value).to.equal(WAITING);
            expect(sample.metric).to.include({ pod: "vllm-0", namespace: NS, service: "vllm" });
        });

        it("runs the Operator-generated configuration, placeholders substituted by the config-reloader", async () => {
            const cfg = await runningConfig(mon!.prometheusUrl);
            expect(cfg).to.include("prometheus_replica: prometheus-local-0");
            expect(cfg).to.not.include("$(SHARD)");
            expect(cfg).to.include(`job_name: ${jobOf("vllm")}`);
            expect(cfg).to.include("role: endpointslice");
            expect(cfg).to.include("/etc/prometheus/rules/prometheus-local-rulefiles-0/*.yaml");
        });

        it("evaluates a PrometheusRule with the selected label (recording rule has the gauge's sum)", async () => {
            kube.apply([
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "PrometheusRule",
                    metadata: { name: "queue", namespace: NS, labels: selected },
                    spec: { groups: [{ name: "queue", rules: [{ record: "namespace:vllm_num_requests_waiting:sum", expr: "sum by (namespace) (vllm:num_requests_waiting)" }] }] },
                },
            ]);
            const [s] = await eventually("the recording rule's series", async () => nonEmpty(await mon!.query(`namespace:vllm_num_requests_waiting:sum{namespace="${NS}"}`)), 60_000);
            expect(s.value).to.equal(WAITING);
        });

        it("does not scrape for a ServiceMonitor with another label (the recipe's 'HPA never scales' failure)", async () => {
            // Applied together: once the selected one's job is live, the Operator has seen both.
            kube.apply([serviceMonitor("vllm-wrong-label", { release: "other" }), serviceMonitor("vllm-control", selected)]);
            await eventually("the control ServiceMonitor's job in the running config", async () => ((await runningConfig(mon!.prometheusUrl)).includes(jobOf("vllm-control")) ? true : undefined), 60_000);
            expect(await runningConfig(mon!.prometheusUrl)).to.not.include(jobOf("vllm-wrong-label"));
            expect((await activeTargets(mon!.prometheusUrl)).map((t) => t.scrapePool)).to.not.include(jobOf("vllm-wrong-label"));
            kube.kubectl(["delete", "servicemonitor", "-n", NS, "vllm-wrong-label", "vllm-control"]);
        });

        it("serves the gauge per pod on custom.metrics.k8s.io v1beta1 and v1beta2 with the component's adapterRules", async function () {
            this.timeout(180_000);
            const t0 = Date.now();
            adapter = await startAdapter({ cluster, stateDir: STATE_DIR, prometheusUrl: mon!.prometheusUrl, rulesYaml: renderAdapterConfigYaml(), timing: adapterTimingFor("2s"), address: ADAPTER_ADDRESS, binDirs });
            process.stderr.write(`      adapter: both APIServices Available ${((Date.now() - t0) / 1000).toFixed(1)} s after start\n`);
            for (const version of ["v1beta1", "v1beta2"]) {
                const items = await eventually(`${version} value for vllm-0`, () => customMetricItems(version), 60_000);
                expect(items, version).to.have.length(1);
                expect(items[0].describedObject).to.include({ kind: "Pod", name: "vllm-0", namespace: NS });
                expect(items[0].value, version).to.equal(String(WAITING));
            }
        });

        it("follows the pod's value: a new gauge value reaches the custom metrics API", async () => {
            waiting.set({ model_name: "m", engine: "0" }, 12);
            await eventually("value 12 on the custom metrics API", async () => ((await customMetricItems("v1beta1"))?.[0]?.value === "12" ? true : undefined), 60_000);
        });

        it("updateRules: rules the adapter rejects fail naming it and its log, and the running adapter keeps serving", async () => {
            const before = adapter!.process;
            let err: Error | undefined;
            await adapter!.updateRules("rules:\n  - seriesQuery: 'up'\n    notAField: 1\n").catch((e: Error) => (err = e));
            expect(err?.message).to.match(/prometheus-adapter/).and.to.include(path.join(STATE_DIR, "logs", "prometheus-adapter.log"));
            expect(adapter!.process).to.equal(before);
            expect(isRunning(before)).to.equal(true);
            expect((await customMetricItems("v1beta1"))?.[0]?.value).to.equal("12");
        });

        it("updateRules: new rules take effect (a renamed metric is served, the old name is gone)", async () => {
            const renamed = renderAdapterConfigYaml().replace(/as: '?vllm:num_requests_waiting'?/, "as: vllm_queue_depth");
            expect(renamed).to.not.equal(renderAdapterConfigYaml());
            await adapter!.updateRules(renamed);
            await eventually("the renamed metric", async () => nonEmpty((await customMetricItems("v1beta1", "vllm_queue_depth")) ?? []), 60_000);
            expect(await customMetricItems("v1beta1")).to.equal(undefined);
        });

        it("a component that cannot start fails with its name and log file", async () => {
            const bad = path.join(STATE_DIR, "bad.kubeconfig");
            fs.writeFileSync(bad, "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\nusers: [{name: u, user: {}}]\ncurrent-context: c\n");
            const err = await startOperator({ kubeconfig: bad, stateDir: path.join(STATE_DIR, "bad"), binDirs, timeoutMs: 30_000 }).catch((e: Error) => e);
            expect((err as Error).message).to.match(/prometheus-operator/).and.to.include(path.join(STATE_DIR, "bad", "logs", "prometheus-operator.log"));
        });

        it("stops every process by PID and removes the aggregation registration", async () => {
            const procs = [...mon!.processes, adapter!.process];
            await adapter!.stop();
            await mon!.stop();
            for (const p of procs) expect(isRunning(p), `${p.name} (${p.pid})`).to.equal(false);
            const k = kubeFromFile(cluster.kubeconfig);
            expect((await getRaw(k, "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.custom.metrics.k8s.io")).status).to.equal(404);
            expect((await getRaw(k, "/api/v1/namespaces/monitoring/services/prometheus-adapter")).status).to.equal(404);
            adapter = undefined;
            mon = undefined;
        });

        type MetricItem = { describedObject: { kind: string; name: string; namespace: string }; value: string };
        /** Items for pods of NS, or undefined when the API does not know the metric (yet). */
        async function customMetricItems(version: string, metric = "vllm:num_requests_waiting"): Promise<MetricItem[] | undefined> {
            const r = await getRaw(kubeFromFile(cluster.kubeconfig), `/apis/custom.metrics.k8s.io/${version}/namespaces/${NS}/pods/*/${metric}`);
            if (r.status !== 200) return undefined;
            return nonEmpty((JSON.parse(r.body) as { items: MetricItem[] }).items);
        }
    });
}

function nonEmpty<T>(xs: T[]): T[] | undefined {
    return xs.length > 0 ? xs : undefined;
}
