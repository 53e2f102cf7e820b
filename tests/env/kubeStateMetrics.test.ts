/**
 * kube-state-metrics v2.16.0 as the SLO rules depend on it: for the component's own HPA and
 * Deployment it exports every series components/slo/vllmMetrics.ts (KSM) names, with the labels
 * and values of the live objects; it is registered the way the Operator sees a cluster add-on
 * (selector-less Service, hand-made EndpointSlice, ServiceMonitor with the selected label and
 * honorLabels), so the environment's real Prometheus scrapes it with the HPA's namespace (not
 * `monitoring`) and the component's capacity alert goes pending; stop leaves nothing behind.
 *
 * Like ./monitoring.test.ts, the test process must live in a network namespace where
 * 10.250.0.0/24 is routed to lo, so on the host this file runs itself again inside a throw-away
 * namespace (./netnsRun.ts) and checks that it passed and left no process behind.
 */
import { expect } from "chai";
import * as path from "path";
import { deploymentArgs } from "../../components/manifests/deployment";
import { hpaArgs } from "../../components/manifests/hpa";
import { prometheusRuleManifest } from "../../components/manifests/slo";
import { ALERT_NAMES } from "../../components/slo/prometheusRule";
import { KSM } from "../../components/slo/vllmMetrics";
import { validateArgs } from "../../components/validate";
import { POD_CIDR, SERVICE_HOST_CIDR } from "../../env/environment";
import { Monitoring, activeTargets, ensureMonitoringToolchain, kubeFromFile, startMonitoring } from "../../env/monitoring";
import { getRaw } from "../../env/monitoring/kube";
import { KubeStateMetricsHandle, KubeStateMetricsOptions, ensureKubeStateMetricsToolchain, startKubeStateMetrics } from "../../env/monitoring/kubeStateMetrics";
import { isRunning } from "../../env/process";
import { ClusterInfo, ensureClusterToolchain, registerCleanup, startCluster, stopCluster } from "../../env/cluster";
import { REPO_ROOT } from "../../scripts/toolchain";
import { Kube, eventually, kubeClients } from "../support/kube";
import { Sample, parseExposition } from "../sim/exposition";
import { runMochaInNetns } from "./netnsRun";

const MARKER = "VLLM_KSM_TEST_INSIDE";
const STATE_DIR = path.join(REPO_ROOT, ".cache", "test-ksm");
const LOG_DIR = path.join(STATE_DIR, "logs");
const NS = "ksm-test";
const NAME = "vllm-ksm";
const ADDRESS = "10.250.0.20"; // in SERVICE_HOST_CIDR, routed to lo in the namespace
const [MIN, MAX, QUEUE_TARGET] = [1, 3, 4];

/** Binaries for the control plane, KSM and the monitoring stack, built (or found cached) once. */
function toolchain(): string[] {
    return ensureMonitoringToolchain(ensureKubeStateMetricsToolchain(ensureClusterToolchain()));
}

if (process.env[MARKER] !== "1") {
    describe("@integration kube-state-metrics (in a throw-away network namespace)", function () {
        it("passes inside the namespace and leaves no process running there", async function () {
            this.timeout(120 * 60_000); // a cold toolchain build takes tens of minutes on 2 cores
            toolchain(); // built here, so the inner run only finds it cached
            const r = await runMochaInNetns({ testFile: __filename, marker: MARKER, logDir: STATE_DIR, localRanges: [POD_CIDR, SERVICE_HOST_CIDR] });
            expect(r.leaked, "processes left in the namespace").to.deep.equal([]);
            expect(r.status, "the inner run's exit status (its failures are printed above)").to.equal(0);
        });
    });
} else {
    describe("@integration kube-state-metrics inside the namespace", function () {
        this.timeout(120_000);
        let cluster: ClusterInfo;
        let kube: Kube;
        let binDirs: string[];
        let ksm: KubeStateMetricsHandle | undefined;
        let mon: Monitoring | undefined;
        const model = validateArgs(NAME, {
            model: "Qwen/Qwen2.5-0.5B-Instruct",
            modelRevision: "7ae557604adf67be50417f59c2c2f167def9a775",
            namespace: NS,
            name: NAME,
            minReplicas: MIN,
            maxReplicas: MAX,
            queueTarget: QUEUE_TARGET,
        });

        before(async function () {
            this.timeout(10 * 60_000);
            binDirs = toolchain();
            registerCleanup();
            cluster = await startCluster({ binDirs, stateDir: path.join(STATE_DIR, "cluster"), crds: "all", reuse: false });
            kube = kubeClients(cluster.kubeconfig, cluster.kubectl);
            // The component's own Deployment and HPA (kwok makes the pod Ready; no adapter, so the
            // HPA controller reports ScalingActive=False, the case the HPA-metric alert is for).
            const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as Record<string, unknown>;
            kube.apply([
                { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } },
                { apiVersion: "apps/v1", kind: "Deployment", ...plain(deploymentArgs(model)) },
                { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", ...plain(hpaArgs(model, model.autoscaling!)) },
            ]);
        });

        after(async function () {
            this.timeout(120_000);
            await ksm?.stop();
            await mon?.stop();
            await stopCluster({ stateDir: path.join(STATE_DIR, "cluster") });
        });

        const hpaLabels = { namespace: NS, horizontalpodautoscaler: NAME };
        async function scrape(): Promise<Map<string, Sample[]>> {
            const res = await fetch(ksm!.metricsUrl, { signal: AbortSignal.timeout(5_000) });
            expect(res.status).to.equal(200);
            const families = parseExposition(await res.text());
            return new Map([...families].map(([n, f]) => [n, f.samples]));
        }
        function one(samples: Map<string, Sample[]>, name: string, labels: Record<string, string>): Sample | undefined {
            const hits = (samples.get(name) ?? []).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
            expect(hits.length, `${name}${JSON.stringify(labels)} matches`).to.be.at.most(1);
            return hits[0];
        }

        it("exports every KSM series the SLO rules read, with the live HPA's and Deployment's labels and values", async () => {
            const t0 = Date.now();
            ksm = await startKubeStateMetrics({ kubeconfig: cluster.kubeconfig, logDir: LOG_DIR, binDirs, address: ADDRESS, scrapeInterval: "2s" });
            process.stderr.write(`      kube-state-metrics: serving and registered ${((Date.now() - t0) / 1000).toFixed(1)} s after start\n`);
            // Wait for the controllers: the HPA's status (currentReplicas, conditions) and an available pod.
            const hpa = await eventually(
                "the HPA controller to fill the HPA's status",
                async () => {
                    const h = await kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: NAME, namespace: NS });
                    return h.status?.conditions?.some((c) => c.type === "ScalingActive") && h.status.currentReplicas === MIN ? h : undefined;
                },
                60_000,
            );
            const s = await eventually("KSM to export the HPA's status and the Deployment's availability", async () => {
                const m = await scrape();
                const ready = one(m, KSM.hpaCurrentReplicas, hpaLabels)?.value === MIN && one(m, KSM.deploymentReplicasAvailable, { namespace: NS, deployment: NAME })?.value === MIN;
                return ready ? m : undefined;
            }, 60_000);

            expect(one(s, KSM.hpaMaxReplicas, hpaLabels)?.value).to.equal(MAX);
            expect(one(s, KSM.hpaMinReplicas, hpaLabels)?.value).to.equal(MIN);
            expect(one(s, KSM.hpaCurrentReplicas, hpaLabels)?.value).to.equal(hpa.status!.currentReplicas);
            expect(one(s, KSM.hpaDesiredReplicas, hpaLabels)?.value).to.equal(hpa.status!.desiredReplicas);
            expect(one(s, KSM.hpaSpecTargetMetric, { ...hpaLabels, metric_name: "vllm:num_requests_waiting", metric_target_type: "average" })?.value).to.equal(QUEUE_TARGET);
            for (const c of hpa.status!.conditions!) {
                expect(one(s, KSM.hpaCondition, { ...hpaLabels, condition: c.type, status: c.status.toLowerCase() })?.value, `${c.type}=${c.status}`).to.equal(1);
            }
            // What VllmHPAMetricUnavailable selects: no adapter here, so ScalingActive is false.
            expect(one(s, KSM.hpaCondition, { ...hpaLabels, condition: "ScalingActive", status: "false" })?.value).to.equal(1);
            for (const name of Object.values(KSM)) expect(s.has(name), `${name} exported`).to.equal(true);
        });

        it("follows the live object: a new maxReplicas is exported", async () => {
            const setMax = (n: number) => kube.kubectl(["patch", "hpa", NAME, "-n", NS, "--type=merge", "-p", JSON.stringify({ spec: { maxReplicas: n } })]);
            setMax(MAX + 2);
            await eventually(`maxReplicas ${MAX + 2} on /metrics`, async () => (one(await scrape(), KSM.hpaMaxReplicas, hpaLabels)?.value === MAX + 2 ? true : undefined), 30_000);
            setMax(MAX);
        });

        it("registers a selector-less Service, an EndpointSlice on its address and a ServiceMonitor Prometheus selects", async () => {
            const svc = await kube.core.readNamespacedService({ name: "kube-state-metrics", namespace: "monitoring" });
            expect(svc.spec?.selector ?? {}).to.deep.equal({});
            expect(svc.spec?.ports?.map((p) => p.name)).to.deep.equal(["http-metrics", "telemetry"]);
            const slice = await kube.discovery.readNamespacedEndpointSlice({ name: "kube-state-metrics-local", namespace: "monitoring" });
            expect(slice.metadata?.labels).to.include({ "kubernetes.io/service-name": "kube-state-metrics", "endpointslice.kubernetes.io/managed-by": "vllm-pulumi-env" });
            expect(slice.endpoints.map((e) => e.addresses)).to.deep.equal([[ADDRESS]]);
            const metricsPort = slice.ports?.find((p) => p.name === "http-metrics")?.port;
            expect(ksm!.metricsUrl).to.equal(`http://${ADDRESS}:${metricsPort}/metrics`);
            const sm = (await kube.custom.getNamespacedCustomObject({ group: "monitoring.coreos.com", version: "v1", namespace: "monitoring", plural: "servicemonitors", name: "kube-state-metrics" })) as {
                metadata: { labels: Record<string, string> };
                spec: { endpoints: { port: string; honorLabels?: boolean }[] };
            };
            expect(sm.metadata.labels).to.include({ release: "kube-prom" });
            expect(sm.spec.endpoints.find((e) => e.port === "http-metrics")?.honorLabels).to.equal(true);
        });

        it("is scraped by the environment's Prometheus through the ServiceMonitor, with the HPA's namespace; the capacity alert goes pending", async function () {
            this.timeout(5 * 60_000);
            mon = await startMonitoring({ cluster, stateDir: STATE_DIR, binDirs, scrapeInterval: "2s", evaluationInterval: "2s" });
            const target = await eventually(
                "the kube-state-metrics target to be up",
                async () => (await activeTargets(mon!.prometheusUrl)).find((t) => t.scrapePool === "serviceMonitor/monitoring/kube-state-metrics/0" && t.health === "up"),
                90_000,
            );
            expect(target.scrapeUrl).to.equal(ksm!.metricsUrl);
            const series = await eventually("maxReplicas in Prometheus", async () => nonEmpty(await mon!.query(`${KSM.hpaMaxReplicas}{horizontalpodautoscaler="${NAME}"}`)), 30_000);
            expect(series, "one series: this run's KSM only").to.have.length(1);
            const [max] = series;
            expect(max.value).to.equal(MAX);
            expect(max.metric.instance).to.equal(new URL(ksm!.metricsUrl).host);
            expect(max.metric).to.include({ namespace: NS, job: "kube-state-metrics" }); // honorLabels: KSM's namespace, not `monitoring`
            // The component's own rules: VllmHPAMetricUnavailable reads KSM's ScalingActive=false.
            kube.apply([prometheusRuleManifest(model)]);
            const [alert] = await eventually(
                `${ALERT_NAMES.hpaMetricUnavailable} pending`,
                async () => nonEmpty(await mon!.query(`ALERTS{alertname="${ALERT_NAMES.hpaMetricUnavailable}",namespace="${NS}"}`)),
                90_000,
            );
            expect(alert.metric).to.include({ horizontalpodautoscaler: NAME, alertstate: "pending" });
        });

        it("rejects bad input before starting or creating anything", async () => {
            const bad: Partial<KubeStateMetricsOptions>[] = [
                { address: "127.0.0.1" },
                { address: "10.251.0.1" }, // not routed here
                { selectorLabels: {} },
                { selectorLabels: { "app.kubernetes.io/managed-by": "x" } },
                { namespace: "Not_A_Namespace" },
            ];
            for (const o of bad) {
                const err = await startKubeStateMetrics({ kubeconfig: cluster.kubeconfig, logDir: path.join(STATE_DIR, "bad"), binDirs, serviceName: "ksm-bad", ...o }).catch((e: Error) => e);
                expect(err, JSON.stringify(o)).to.be.instanceOf(Error);
                expect((err as Error).message, JSON.stringify(o)).to.match(/kube-state-metrics/);
            }
            expect((await getRaw(kubeFromFile(cluster.kubeconfig), "/api/v1/namespaces/monitoring/services/ksm-bad")).status).to.equal(404);
        });

        it("a kube-state-metrics that cannot start fails naming it and its log, and leaves nothing", async () => {
            const logDir = path.join(STATE_DIR, "bad-resources");
            const err = await startKubeStateMetrics({ kubeconfig: cluster.kubeconfig, logDir, binDirs, address: "10.250.0.21", serviceName: "ksm-bad", resources: ["horizontalpodautoscalerz"], timeoutMs: 30_000 }).catch((e: Error) => e);
            expect((err as Error).message).to.match(/kube-state-metrics/).and.to.include(path.join(logDir, "kube-state-metrics.log"));
            expect((await getRaw(kubeFromFile(cluster.kubeconfig), "/api/v1/namespaces/monitoring/services/ksm-bad")).status).to.equal(404);
        });

        it("stop: the process is gone by PID and its registration deleted", async () => {
            const procs = ksm!.processes;
            await ksm!.stop();
            ksm = undefined;
            for (const p of procs) expect(isRunning(p), `${p.name} (${p.pid})`).to.equal(false);
            const k = kubeFromFile(cluster.kubeconfig);
            for (const p of ["services/kube-state-metrics", "endpointslices/kube-state-metrics-local"]) {
                const api = p.startsWith("endpointslices") ? "/apis/discovery.k8s.io/v1" : "/api/v1";
                expect((await getRaw(k, `${api}/namespaces/monitoring/${p}`)).status, p).to.equal(404);
            }
            expect((await getRaw(k, "/apis/monitoring.coreos.com/v1/namespaces/monitoring/servicemonitors/kube-state-metrics")).status).to.equal(404);
        });
    });
}

function nonEmpty<T>(xs: T[]): T[] | undefined {
    return xs.length > 0 ? xs : undefined;
}
