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
import { REPO_ROOT } from "../../scripts/toolchain";
import { ProcessRecord, freePort, startProcess, stopProcess, waitUntil } from "../process";
import { findBinary } from "./binaries";
import { LocalCluster, clusterPki } from "./cluster";
import { withEtcPrometheus } from "./etcMount";
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
    // Files of an earlier run would be served until the first sync: start clean (TSDB kept).
    fs.rmSync(l.etc, { recursive: true, force: true });
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

function startConfigSync(o: { kubeconfig: string; namespace: string; name: string; etc: string; logs: string }): ProcessRecord {
    return startProcess({
        name: "prometheus-config-sync",
        command: process.execPath,
        args: ["-r", "ts-node/register/transpile-only", path.join(__dirname, "configSync.ts"),
            `--kubeconfig=${o.kubeconfig}`, `--namespace=${o.namespace}`, `--name=${o.name}`, `--dir=${o.etc}`, "--interval-ms=1000"],
        cwd: REPO_ROOT,
        logFile: path.join(o.logs, "prometheus-config-sync.log"),
    });
}

function startReloader(bin: string, o: { etc: string; logs: string; podName: string; promPort: number; ownPort: number }): ProcessRecord {
    return startProcess({
        name: "prometheus-config-reloader",
        command: bin,
        args: [
            `--config-file=${path.join(o.etc, "config", "prometheus.yaml.gz")}`,
            `--config-envsubst-file=${path.join(o.etc, "config_out", "prometheus.env.yaml")}`,
            `--watched-dir=${path.join(o.etc, "rules")}`, // hashed recursively: every rule ConfigMap's dir
            "--watch-interval=1s",
            "--retry-interval=1s",
            `--reload-url=http://127.0.0.1:${o.promPort}/-/reload`,
            `--listen-address=127.0.0.1:${o.ownPort}`,
        ],
        // The pod's environment (operator config_reloader.go): one shard, a StatefulSet pod name.
        env: { ...withoutKubeconfig(), POD_NAME: o.podName, SHARD: "0" },
        logFile: path.join(o.logs, "prometheus-config-reloader.log"),
    });
}

function startPrometheusServer(bin: string, l: Layout, port: number): ProcessRecord {
    const [cmd, args] = withEtcPrometheus(l.etc, l.scratch, bin, [
        "--config.file=/etc/prometheus/config_out/prometheus.env.yaml", // the pod's path
        `--storage.tsdb.path=${l.data}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--web.enable-lifecycle", // the reloader's POST /-/reload
        "--web.route-prefix=/",
        // A scrape job removed from the config (a ServiceMonitor no longer selected) gets no
        // staleness markers: its series stay visible for the lookback delta (default 5m). With
        // 5 s scrapes, 30 s still spans six scrapes, and "metrics absent" shows within a minute.
        "--query.lookback-delta=30s",
    ]);
    const rec = startProcess({ name: "prometheus", command: cmd, args, logFile: path.join(l.logs, "prometheus.log") });
    // unshare and sh exec into prometheus: from now on /proc shows the prometheus binary.
    return { ...rec, command: bin };
}

function withoutKubeconfig(): NodeJS.ProcessEnv {
    const env = { ...process.env };
    delete env.KUBECONFIG;
    return env;
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
    const processes: ProcessRecord[] = [];
    const stop = async () => {
        for (const p of [...processes].reverse()) await stopProcess(p);
    };
    try {
        await applyPrometheus(kube, obj);
        const sync = startConfigSync({ kubeconfig: opts.cluster.kubeconfig, namespace, name, etc: l.etc, logs: l.logs });
        processes.push(sync);
        const gz = path.join(l.etc, "config", "prometheus.yaml.gz");
        await waitUntil(`the Operator's config Secret ${namespace}/prometheus-${name} synced to ${gz}`, async () => fs.existsSync(gz), {
            timeoutMs,
            process: sync,
        }).catch(async (e) => {
            throw new Error(`${(e as Error).message}\n${await operatorDiagnosis(kube, obj)}`);
        });
        const reloader = startReloader(reloaderBin, { etc: l.etc, logs: l.logs, podName, promPort, ownPort: reloaderPort });
        processes.push(reloader);
        const envsubst = path.join(l.etc, "config_out", "prometheus.env.yaml");
        await waitUntil(`prometheus-config-reloader to write ${envsubst}`, async () => fs.existsSync(envsubst), { timeoutMs, process: reloader });
        const prom = startPrometheusServer(promBin, l, promPort);
        processes.push(prom);
        await waitUntil(`prometheus ${url}/-/ready`, async () => (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) })).ok, {
            timeoutMs,
            process: prom,
        });
        await waitUntil(`prometheus to run the Operator-generated config (external label prometheus_replica=${podName})`, () => runsOperatorConfig(url, podName), {
            timeoutMs,
            process: prom,
        });
    } catch (e) {
        await stop();
        throw e;
    }
    return { url, namespace, name, processes, query: (promql) => query(url, promql), stop };
}
