/**
 * A real Prometheus (3.13.1, tools/prometheus) running exactly the configuration prometheus-operator
 * generates for a `Prometheus` object, the way the Operator's own pod runs it:
 *
 *   Operator -> Secret prometheus-<name> + ConfigMaps prometheus-<name>-rulefiles-N
 *     -> config-sync (./configSync.ts, stands in for the kubelet's volumes) -> DIR/{config,rules,certs}
 *     -> prometheus-config-reloader: substitutes $(POD_NAME)/$(SHARD) into DIR/config_out and
 *        POSTs /-/reload on every change
 *     -> prometheus --config.file=/etc/prometheus/config_out/prometheus.env.yaml, with DIR at
 *        /etc/prometheus in a private mount namespace (./etcMount.ts)
 *
 * No scrape configuration is written here. Needs prometheus-operator running (./operator.ts).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { Component } from "../component";
import { Startup, stopComponents } from "../components";
import { freePort } from "../ports";
import { ProcessRecord, waitUntil } from "../process";
import { REPO_ROOT } from "../repo";
import { StateFile } from "../stateFile";
import { findBinary } from "./binaries";
import { LocalCluster, clusterPki } from "./cluster";
import { etcPrometheusWrapper } from "./etcMount";
import { Kube, KubeObjectWithStatus, apply, conditionOf, kubeFromFile, read } from "./kube";
import { Sample, query, runningConfig } from "./promApi";
import {
    DEFAULT_MONITOR_SELECTOR,
    DEFAULT_PROMETHEUS_NAME,
    DEFAULT_PROMETHEUS_NAMESPACE,
    LabelSelector,
    prometheusObject,
} from "./prometheusObject";

export interface PrometheusOptions {
    cluster: LocalCluster;
    /** Logs in `<stateDir>/logs/`, files and TSDB in `<stateDir>/prometheus/<name>/`. */
    stateDir: string;
    binDirs?: string[];
    namespace?: string;
    name?: string;
    /** Selects ServiceMonitors and PrometheusRules in all namespaces. Default `release: kube-prom`. */
    selector?: LabelSelector;
    /** Selects PrometheusRules; default: `selector`. */
    ruleSelector?: LabelSelector;
    /** Default "5s": the local environment wants fast feedback; the Operator's default is 30s. */
    scrapeInterval?: string;
    evaluationInterval?: string;
    /** Bound for each start-up wait. Default 60 s. */
    timeoutMs?: number;
    /** Where its processes are recorded (the environment's state file); default: in memory. */
    state?: StateFile;
}

export interface PrometheusHandle {
    /** http://127.0.0.1:<port> */
    url: string;
    namespace: string;
    name: string;
    /** config-sync, prometheus-config-reloader, prometheus. */
    processes: ProcessRecord[];
    query(promql: string): Promise<Sample[]>;
    /** Stops the processes (by PID). The Prometheus object stays: with replicas 0 it runs nothing. */
    stop(): Promise<void>;
}

interface Layout {
    etc: string;
    data: string;
    scratch: string;
    logs: string;
}

function prepareLayout(stateDir: string, name: string): Layout {
    const base = path.join(stateDir, "prometheus", name);
    const l: Layout = { etc: path.join(base, "etc"), data: path.join(base, "data"), scratch: path.join(base, "mnt"), logs: path.join(stateDir, "logs") };
    // Files of an earlier run would be served until the first sync: start clean. The TSDB too: each
    // start is a new cluster, and its old pods' series (same namespaces, Services, models) would
    // answer queries and sum into the rules' 5-minute windows beside the new ones. A restart of the
    // process (Environment.restartProcess) does not come here and keeps its data.
    fs.rmSync(l.etc, { recursive: true, force: true });
    fs.rmSync(l.data, { recursive: true, force: true });
    for (const d of ["config", "config_out", "rules", "certs"]) fs.mkdirSync(path.join(l.etc, d), { recursive: true, mode: 0o700 });
    fs.mkdirSync(l.data, { recursive: true });
    fs.mkdirSync(l.scratch, { recursive: true });
    return l;
}

async function applyPrometheus(kube: Kube, obj: ReturnType<typeof prometheusObject>): Promise<void> {
    const ns = obj.metadata.namespace!;
    await apply(kube, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    await apply(kube, obj);
}

/** Why the Operator has not produced a config yet, from the object's status (for error messages). */
async function operatorDiagnosis(kube: Kube, obj: ReturnType<typeof prometheusObject>): Promise<string> {
    const live = await read<KubeObjectWithStatus>(kube, obj).catch(() => undefined);
    const c = conditionOf(live, "Reconciled");
    if (!c) return "the Prometheus object has no Reconciled condition: is prometheus-operator running?";
    return `Reconciled=${c.status}${c.reason ? ` (${c.reason})` : ""}${c.message ? `: ${c.message}` : ""}`;
}

function configSyncComponent(o: { kubeconfig: string; namespace: string; name: string; etc: string; logs: string; timeoutMs: number }): Component {
    const gz = path.join(o.etc, "config", "prometheus.yaml.gz");
    return new Component({
        name: "prometheus-config-sync",
        command: process.execPath,
        args: ["-r", "ts-node/register/transpile-only", path.join(__dirname, "configSync.ts"),
            `--kubeconfig=${o.kubeconfig}`, `--namespace=${o.namespace}`, `--name=${o.name}`, `--dir=${o.etc}`, "--interval-ms=1000"],
        cwd: REPO_ROOT,
        logFile: path.join(o.logs, "prometheus-config-sync.log"),
        what: `the Operator's config Secret ${o.namespace}/prometheus-${o.name} synced to ${gz}`,
        readiness: { file: gz },
        readyTimeoutMs: o.timeoutMs,
    });
}

function reloaderComponent(bin: string, o: { etc: string; logs: string; podName: string; promPort: number; ownPort: number; timeoutMs: number }): Component {
    const envsubst = path.join(o.etc, "config_out", "prometheus.env.yaml");
    return new Component({
        name: "prometheus-config-reloader",
        command: bin,
        args: [
            `--config-file=${path.join(o.etc, "config", "prometheus.yaml.gz")}`,
            `--config-envsubst-file=${envsubst}`,
            `--watched-dir=${path.join(o.etc, "rules")}`, // hashed recursively: every rule ConfigMap's dir
            "--watch-interval=1s",
            "--retry-interval=1s",
            `--reload-url=http://127.0.0.1:${o.promPort}/-/reload`,
            `--listen-address=127.0.0.1:${o.ownPort}`,
        ],
        // The pod's environment (operator config_reloader.go): one shard, a StatefulSet pod name.
        extraEnv: { POD_NAME: o.podName, SHARD: "0" },
        logFile: path.join(o.logs, "prometheus-config-reloader.log"),
        what: `prometheus-config-reloader to write ${envsubst}`,
        readiness: { file: envsubst },
        readyTimeoutMs: o.timeoutMs,
    });
}

function prometheusServerComponent(bin: string, l: Layout, port: number, timeoutMs: number): Component {
    const url = `http://127.0.0.1:${port}`;
    return new Component({
        name: "prometheus",
        // unshare and sh exec into prometheus: /proc shows the prometheus binary.
        wrapper: etcPrometheusWrapper(l.etc, l.scratch),
        command: bin,
        args: [
            "--config.file=/etc/prometheus/config_out/prometheus.env.yaml", // the pod's path
            `--storage.tsdb.path=${l.data}`,
            `--web.listen-address=127.0.0.1:${port}`,
            "--web.enable-lifecycle", // the reloader's POST /-/reload
            "--web.route-prefix=/",
            // A scrape job removed from the config (a ServiceMonitor no longer selected) gets no
            // staleness markers: its series stay visible for the lookback delta (default 5m). With
            // 5 s scrapes, 30 s still spans six scrapes, and "metrics absent" shows within a minute.
            "--query.lookback-delta=30s",
        ],
        logFile: path.join(l.logs, "prometheus.log"),
        what: `prometheus ${url}/-/ready`,
        readiness: { http: `${url}/-/ready` },
        readyTimeoutMs: timeoutMs,
    });
}

/** True once Prometheus runs the reloader's output for this pod name (not some earlier file). */
async function runsOperatorConfig(url: string, podName: string): Promise<boolean> {
    const cfg = YAML.parse(await runningConfig(url)) as { global?: { external_labels?: Record<string, string> } };
    return cfg.global?.external_labels?.prometheus_replica === podName;
}

export async function startPrometheus(opts: PrometheusOptions): Promise<PrometheusHandle> {
    const namespace = opts.namespace ?? DEFAULT_PROMETHEUS_NAMESPACE;
    const name = opts.name ?? DEFAULT_PROMETHEUS_NAME;
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const obj = prometheusObject({
        namespace,
        name,
        selector: opts.selector ?? DEFAULT_MONITOR_SELECTOR,
        ruleSelector: opts.ruleSelector,
        apiserver: { server: opts.cluster.server, pki: clusterPki(opts.cluster.stateDir) },
        scrapeInterval: opts.scrapeInterval ?? "5s",
        evaluationInterval: opts.evaluationInterval ?? "5s",
    }); // validates before anything is changed
    const reloaderBin = findBinary("prometheus-config-reloader", opts.binDirs);
    const promBin = findBinary("prometheus", opts.binDirs);
    const kube = kubeFromFile(opts.cluster.kubeconfig);
    const l = prepareLayout(opts.stateDir, name);
    const podName = `prometheus-${name}-0`;
    const [promPort, reloaderPort] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${promPort}`;
    const state = opts.state ?? new StateFile();
    const sync = configSyncComponent({ kubeconfig: opts.cluster.kubeconfig, namespace, name, etc: l.etc, logs: l.logs, timeoutMs });
    const reloader = reloaderComponent(reloaderBin, { etc: l.etc, logs: l.logs, podName, promPort, ownPort: reloaderPort, timeoutMs });
    const prom = prometheusServerComponent(promBin, l, promPort, timeoutMs);
    await new Startup(state).run(async (startup) => {
        await applyPrometheus(kube, obj);
        await startup.start(sync).catch(async (e) => {
            throw new Error(`${(e as Error).message}\n${await operatorDiagnosis(kube, obj)}`);
        });
        await startup.start(reloader);
        await startup.start(prom);
        await waitUntil(`prometheus to run the Operator-generated config (external label prometheus_replica=${podName})`, () => runsOperatorConfig(url, podName), {
            timeoutMs,
            process: prom.process,
        });
    });
    const processes = [sync.process, reloader.process, prom.process];
    const stop = async () => {
        await stopComponents(state, { only: processes.map((p) => p.name) });
    };
    return { url, namespace, name, processes, query: (promql) => query(url, promql), stop };
}
