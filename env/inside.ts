/**
 * The part of the local environment that starts INSIDE its network namespace: the control plane
 * (kwok leaving readiness to the pod runner), the pod runner, the monitoring stack, and the
 * namespace's end of the relays. Each is a Component (./component.ts) recorded in the
 * environment's one state file as it starts; this process then exits. env/environment.ts runs it
 * with nsenter and owns the host's side; it also runs `adapter` (configure prometheus-adapter) and
 * `restart NAME` (a recorded process, started again and waited for where its address is reachable).
 *
 *   node -r ts-node/register/transpile-only env/inside.ts up --state-dir D --sim-main M --bin-dir B... [--sim-default K=V]...
 *   ... env/inside.ts adapter --state-dir D --rules-file F --metrics-relist-interval D --metrics-max-age D [--bin-dir B]...
 *   ... env/inside.ts restart --state-dir D --name NAME
 */
import * as fs from "fs";
import { parseArgs } from "node:util";
import * as path from "path";
import { AdapterTiming } from "@vllm-pulumi/kube-parser";
import { startCluster } from "./cluster";
import { Startup, restartRecorded, stopComponents } from "./components";
import { kubeFromFile, startAdapter, startMonitoring, unregisterAdapter } from "./monitoring";
import { startKubeStateMetrics } from "./monitoring/kubeStateMetrics";
import { REPO_ROOT } from "./repo";
import { StateFile } from "./stateFile";
import { TS_NODE, tsDaemon } from "./tsDaemon";

export { TS_NODE };

/** What the namespace side records for the host side and for clients (kubeconfig and ports inside). */
export interface InsideState {
    clusterStateDir: string;
    /** Admin kubeconfig with the API server's address inside the namespace. */
    kubeconfig: string;
    apiPort: number;
    /** Unix sockets the host relays connect to, by what they lead to. */
    sockets: { apiserver: string; prometheus: string };
    prometheus: { port: number };
    /** Where prometheus-adapter listens, once configured with a stack's rules. */
    adapterAddress?: string;
}

export const INSIDE_FACTS = "inside";
export const ADAPTER_NAME = "prometheus-adapter";

/** Where the metrics adapter listens: routed locally, non-loopback, so an EndpointSlice may name it. */
export const ADAPTER_ADDRESS = "10.250.0.10";
const ADAPTER = { namespace: "monitoring", serviceName: "prometheus-adapter" };

/** The environment's one state file. */
export function environmentStateFile(stateDir: string): StateFile {
    return new StateFile(path.join(stateDir, "environment.json"));
}

export interface UpOptions {
    stateDir: string;
    simMain: string;
    binDirs: string[];
    /** Simulator knobs for every pod (`load-seconds=3`), below namespace and pod annotations. */
    simDefaults: string[];
}

export function readInsideState(stateDir: string): InsideState {
    const facts = environmentStateFile(stateDir).fact<InsideState>(INSIDE_FACTS);
    if (!facts) throw new Error(`no environment recorded in ${stateDir}`);
    return facts;
}

const log = (m: string) => process.stderr.write(`[env] ${m}\n`);

export async function up(o: UpOptions): Promise<InsideState> {
    const logs = path.join(o.stateDir, "logs");
    const run = path.join(o.stateDir, "run");
    fs.mkdirSync(run, { recursive: true });
    const state = environmentStateFile(o.stateDir);
    const clusterStateDir = path.join(o.stateDir, "cluster");
    const cluster = await startCluster({ stateDir: clusterStateDir, binDirs: o.binDirs, crds: "all", podLifecycle: "runner", reuse: false, state });
    const apiPort = Number(new URL(cluster.server).port);

    const readyFile = path.join(run, "pod-runner.ready");
    fs.rmSync(readyFile, { force: true });
    const runner = tsDaemon({
        name: "pod-runner",
        file: path.join(REPO_ROOT, "env", "pods", "runner.ts"),
        args: [
            ...["--kubeconfig", cluster.kubeconfig, "--sim-main", o.simMain, "--log-dir", path.join(logs, "pods"), "--ready-file", readyFile],
            ...o.simDefaults.flatMap((d) => ["--sim-default", d]),
        ],
        logFile: path.join(logs, "pod-runner.log"),
        // Its simulators stay in its process group: stopping it stops them, even after a crash of the runner.
        group: true,
        graceMs: 15_000,
        what: "the pod runner to list pods",
        readiness: { file: readyFile },
        readyTimeoutMs: 30_000,
    });
    await new Startup(state, log).start(runner);

    log("starting prometheus-operator, Prometheus (the Operator's own configuration) and kube-state-metrics");
    const mon = await startMonitoring({
        cluster: { kubeconfig: cluster.kubeconfig, server: cluster.server, stateDir: clusterStateDir },
        stateDir: o.stateDir,
        binDirs: o.binDirs,
        // ServiceMonitors opt in by label (the component's default `release: kube-prom`); every
        // PrometheusRule is loaded, so a ServiceMonitor with the wrong labels shows up as an alert.
        ruleSelector: {},
        state,
    });
    log(`Prometheus ready in ${(mon.startMs / 1000).toFixed(1)}s`);
    // The capacity alerts and the dashboard read the HPA's and Deployment's state from it.
    await startKubeStateMetrics({ kubeconfig: cluster.kubeconfig, logDir: logs, binDirs: o.binDirs, state });

    const promPort = Number(new URL(mon.prometheusUrl).port);
    const sockets = { apiserver: path.join(run, "apiserver.sock"), prometheus: path.join(run, "prometheus.sock") };
    const relay = tsDaemon({
        name: "relay-inside",
        file: path.join(REPO_ROOT, "env", "relay.ts"),
        args: [
            ...["--map", `unix:${sockets.apiserver}=tcp:127.0.0.1:${apiPort}`],
            ...["--map", `unix:${sockets.prometheus}=tcp:127.0.0.1:${promPort}`],
        ],
        logFile: path.join(logs, "relay-inside.log"),
        graceMs: 2_000,
        what: "the namespace side of the relays",
        readiness: { all: [{ file: sockets.apiserver }, { file: sockets.prometheus }] },
        readyTimeoutMs: 30_000,
    });
    await new Startup(state, log).start(relay);
    const inside: InsideState = { clusterStateDir, kubeconfig: cluster.kubeconfig, apiPort, sockets, prometheus: { port: promPort } };
    state.setFact(INSIDE_FACTS, inside);
    return inside;
}

/** (Re)starts prometheus-adapter with exactly these rules, registered for custom.metrics.k8s.io. */
export async function configureAdapter(o: { stateDir: string; binDirs: string[]; rulesYaml: string; timing: AdapterTiming }): Promise<void> {
    const state = environmentStateFile(o.stateDir);
    const inside = readInsideState(o.stateDir);
    const cluster = { kubeconfig: inside.kubeconfig, server: `https://127.0.0.1:${inside.apiPort}`, stateDir: inside.clusterStateDir };
    if (state.process(ADAPTER_NAME)) {
        await stopComponents(state, { only: [ADAPTER_NAME] });
        await unregisterAdapter(kubeFromFile(inside.kubeconfig), ADAPTER);
    }
    await startAdapter({
        cluster,
        stateDir: o.stateDir,
        prometheusUrl: `http://127.0.0.1:${inside.prometheus.port}`,
        rulesYaml: o.rulesYaml,
        timing: o.timing,
        address: ADAPTER_ADDRESS,
        ...ADAPTER,
        binDirs: o.binDirs,
        state,
    });
    state.setFact(INSIDE_FACTS, { ...inside, adapterAddress: ADAPTER_ADDRESS });
}

async function main(): Promise<void> {
    const { values, positionals } = parseArgs({
        allowPositionals: true,
        options: {
            "state-dir": { type: "string" },
            "sim-main": { type: "string" },
            "bin-dir": { type: "string", multiple: true },
            "sim-default": { type: "string", multiple: true },
            "rules-file": { type: "string" },
            "metrics-relist-interval": { type: "string" },
            "metrics-max-age": { type: "string" },
            name: { type: "string" },
        },
        strict: true,
    });
    const stateDir = values["state-dir"];
    const binDirs = values["bin-dir"] ?? [];
    if (positionals[0] === "up" && stateDir && values["sim-main"]) {
        await up({ stateDir, simMain: values["sim-main"], binDirs, simDefaults: values["sim-default"] ?? [] });
    } else if (positionals[0] === "adapter" && stateDir && values["rules-file"] && values["metrics-relist-interval"] && values["metrics-max-age"]) {
        const timing = { metricsRelistInterval: values["metrics-relist-interval"], metricsMaxAge: values["metrics-max-age"] };
        await configureAdapter({ stateDir, binDirs, rulesYaml: fs.readFileSync(values["rules-file"], "utf8"), timing });
    } else if (positionals[0] === "restart" && stateDir && values.name) {
        const rec = await restartRecorded(environmentStateFile(stateDir), values.name);
        log(`${rec.name} restarted (pid ${rec.pid})`);
    } else {
        console.error(
            "usage: inside.ts up --state-dir DIR --sim-main FILE [--bin-dir DIR]... [--sim-default KNOB=VALUE]...\n" +
                "       inside.ts adapter --state-dir DIR --rules-file FILE --metrics-relist-interval D --metrics-max-age D [--bin-dir DIR]...\n" +
                "       inside.ts restart --state-dir DIR --name NAME",
        );
        process.exit(2);
    }
}

if (require.main === module) {
    main().catch((e) => {
        console.error(`local environment: ${(e as Error).message}`);
        process.exit(1);
    });
}
