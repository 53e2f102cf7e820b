/**
 * The part of the local environment that starts INSIDE its network namespace: the control plane
 * (scripts/local-cluster.ts, kwok leaving readiness to the pod runner), the pod runner, the
 * monitoring stack, and the namespace's end of the relays. Everything is started detached and
 * recorded in `<stateDir>/inside.json`; this process then exits. env/environment.ts runs it with
 * nsenter and owns the host's side.
 *
 *   node -r ts-node/register/transpile-only env/inside.ts up --state-dir D --sim-main M --bin-dir B... [--monitoring]
 */
import * as fs from "fs";
import { parseArgs } from "node:util";
import * as path from "path";
import { startCluster } from "../scripts/local-cluster";
import { REPO_ROOT } from "../scripts/toolchain";
import { AdapterTiming } from "@vllm-pulumi/kube-parser";
import { kubeFromFile, startAdapter, startMonitoring, unregisterAdapter } from "./monitoring";
import { startKubeStateMetrics } from "./monitoring/kubeStateMetrics";
import { ProcessRecord, startProcess, stopProcess, waitUntil } from "./process";

export interface InsideState {
    clusterStateDir: string;
    kubeconfig: string;
    apiPort: number;
    runner: ProcessRecord;
    relay: ProcessRecord;
    /** Unix sockets the host relays connect to, by what they lead to. */
    sockets: { apiserver: string; prometheus: string };
    prometheus: { port: number; processes: ProcessRecord[] };
    /** prometheus-adapter, once configured with a stack's rules (`inside.ts adapter`). */
    adapter?: { process: ProcessRecord; address: string };
}

/** Where the metrics adapter listens: routed locally, non-loopback, so an EndpointSlice may name it. */
export const ADAPTER_ADDRESS = "10.250.0.10";
const ADAPTER = { namespace: "monitoring", serviceName: "prometheus-adapter" };

export const TS_NODE = ["-r", "ts-node/register/transpile-only"];

/** A TypeScript daemon of ours, started with ts-node (type checking is `npm test`'s job). */
export function startTsDaemon(name: string, file: string, args: string[], logFile: string): ProcessRecord {
    return startProcess({ name, command: process.execPath, args: [...TS_NODE, file, ...args], cwd: REPO_ROOT, logFile });
}

export function insideStatePath(stateDir: string): string {
    return path.join(stateDir, "inside.json");
}

export interface UpOptions {
    stateDir: string;
    simMain: string;
    binDirs: string[];
    /** Simulator knobs for every pod (`load-seconds=3`), below namespace and pod annotations. */
    simDefaults: string[];
}

function writeState(stateDir: string, state: Partial<InsideState>): void {
    fs.writeFileSync(insideStatePath(stateDir), JSON.stringify(state, null, 2));
}

export function readInsideState(stateDir: string): InsideState {
    return JSON.parse(fs.readFileSync(insideStatePath(stateDir), "utf8")) as InsideState;
}

export async function up(o: UpOptions): Promise<InsideState> {
    const logs = path.join(o.stateDir, "logs");
    const run = path.join(o.stateDir, "run");
    fs.mkdirSync(run, { recursive: true });
    const clusterStateDir = path.join(o.stateDir, "cluster");
    const partial: Partial<InsideState> = { clusterStateDir };
    writeState(o.stateDir, partial);
    const cluster = await startCluster({ stateDir: clusterStateDir, binDirs: o.binDirs, crds: "all", podLifecycle: "runner", reuse: false });
    partial.kubeconfig = cluster.kubeconfig;
    partial.apiPort = Number(new URL(cluster.server).port);

    partial.runner = startTsDaemon(
        "pod-runner",
        path.join(REPO_ROOT, "env", "pods", "runner.ts"),
        [
            ...["--kubeconfig", cluster.kubeconfig, "--sim-main", o.simMain, "--log-dir", path.join(logs, "pods"), "--pids-file", path.join(run, "pods.json")],
            ...o.simDefaults.flatMap((d) => ["--sim-default", d]),
        ],
        path.join(logs, "pod-runner.log"),
    );
    writeState(o.stateDir, partial);
    await waitUntil("the pod runner", async () => fs.existsSync(path.join(run, "pods.json")), { timeoutMs: 30_000, process: partial.runner });

    const log = (m: string) => process.stderr.write(`[env] ${m}\n`);
    log("starting prometheus-operator, Prometheus (the Operator's own configuration) and kube-state-metrics");
    const mon = await startMonitoring({
        cluster: { kubeconfig: cluster.kubeconfig, server: cluster.server, stateDir: clusterStateDir },
        stateDir: o.stateDir,
        binDirs: o.binDirs,
        // ServiceMonitors opt in by label (the component's default `release: kube-prom`); every
        // PrometheusRule is loaded, so a ServiceMonitor with the wrong labels shows up as an alert.
        ruleSelector: {},
    });
    partial.prometheus = { port: Number(new URL(mon.prometheusUrl).port), processes: mon.processes };
    writeState(o.stateDir, partial);
    log(`Prometheus ready in ${(mon.startMs / 1000).toFixed(1)}s`);
    // The capacity alerts and the dashboard read the HPA's and Deployment's state from it.
    const ksm = await startKubeStateMetrics({ kubeconfig: cluster.kubeconfig, logDir: logs, binDirs: o.binDirs });
    partial.prometheus.processes.push(...ksm.processes);
    writeState(o.stateDir, partial);

    partial.sockets = { apiserver: path.join(run, "apiserver.sock"), prometheus: path.join(run, "prometheus.sock") };
    partial.relay = startTsDaemon(
        "relay-inside",
        path.join(REPO_ROOT, "env", "relay.ts"),
        [
            ...["--map", `unix:${partial.sockets.apiserver}=tcp:127.0.0.1:${partial.apiPort}`],
            ...["--map", `unix:${partial.sockets.prometheus}=tcp:127.0.0.1:${partial.prometheus.port}`],
        ],
        path.join(logs, "relay-inside.log"),
    );
    writeState(o.stateDir, partial);
    const sockets = partial.sockets;
    await waitUntil("the namespace side of the relays", async () => fs.existsSync(sockets.apiserver) && fs.existsSync(sockets.prometheus), {
        timeoutMs: 30_000,
        process: partial.relay,
    });
    const state = partial as InsideState;
    writeState(o.stateDir, state);
    return state;
}

/** (Re)starts prometheus-adapter with exactly these rules, registered for custom.metrics.k8s.io. */
export async function configureAdapter(o: { stateDir: string; binDirs: string[]; rulesYaml: string; timing: AdapterTiming }): Promise<void> {
    const state = readInsideState(o.stateDir);
    const cluster = { kubeconfig: state.kubeconfig, server: `https://127.0.0.1:${state.apiPort}`, stateDir: state.clusterStateDir };
    if (state.adapter) {
        await stopProcess(state.adapter.process, 10_000);
        await unregisterAdapter(kubeFromFile(state.kubeconfig), ADAPTER);
        state.adapter = undefined;
        writeState(o.stateDir, state);
    }
    const adapter = await startAdapter({
        cluster,
        stateDir: o.stateDir,
        prometheusUrl: `http://127.0.0.1:${state.prometheus.port}`,
        rulesYaml: o.rulesYaml,
        timing: o.timing,
        address: ADAPTER_ADDRESS,
        ...ADAPTER,
        binDirs: o.binDirs,
    });
    state.adapter = { process: adapter.process, address: ADAPTER_ADDRESS };
    writeState(o.stateDir, state);
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
    } else {
        console.error("usage: inside.ts up --state-dir DIR --sim-main FILE [--bin-dir DIR]... [--sim-default KNOB=VALUE]...\n       inside.ts adapter --state-dir DIR --rules-file FILE --metrics-relist-interval D --metrics-max-age D [--bin-dir DIR]...");
        process.exit(2);
    }
}

if (require.main === module) {
    main().catch((e) => {
        console.error(`local environment: ${(e as Error).message}`);
        process.exit(1);
    });
}
