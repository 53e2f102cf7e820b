/**
 * The local environment, from the user's side: a network namespace of its own holding the control
 * plane, kwok's GPU nodes, the pod runner with its simulators and the monitoring stack
 * (env/inside.ts), plus relays so that `kubectl` with the printed KUBECONFIG and the printed
 * Prometheus URL work from the user's shell. The demo, the bench and the tests share it.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { AdapterTiming } from "@vllm-pulumi/kube-parser";
import { ensureClusterToolchain, findBinaries, stopCluster } from "../scripts/local-cluster";
import { REPO_ROOT } from "../scripts/toolchain";
import { ensureSimBuilt } from "../sim/build";
import { InsideState, TS_NODE, insideStatePath, startTsDaemon } from "./inside";
import { ensureMonitoringToolchain } from "./monitoring";
import { NetworkNamespace, createNetns, deleteNetns, nsCommand } from "./netns";
import { ProcessRecord, freePort, isRunning, stopProcess, waitUntil } from "./process";

/** kwok hands pod IPs out of this range; routed to `lo` inside the namespace. */
export const POD_CIDR = "10.244.0.0/16";
/** Addresses of the environment's own servers that must be reachable by endpoint (the metrics adapter). */
export const SERVICE_HOST_CIDR = "10.250.0.0/24";

/** Where the environment keeps its state; `VLLM_PULUMI_ENV_DIR` moves it (the demo-path test's own environment). */
export const DEFAULT_ENV_DIR = path.resolve(process.env.VLLM_PULUMI_ENV_DIR ?? path.join(REPO_ROOT, ".cache", "env"));

export interface EnvironmentState {
    version: 1;
    stateDir: string;
    netns: NetworkNamespace;
    /** Host-side kubeconfig (server = the host relay). */
    kubeconfig: string;
    hostRelay: ProcessRecord;
    /** The kubectl matching the API server. */
    kubectl: string;
    /** Toolchain bin dirs (control plane, monitoring). */
    binDirs: string[];
    ports: { apiserver: number; prometheus: number };
    inside: InsideState;
}

export interface Environment extends EnvironmentState {
    /** KUBECONFIG and a PATH with the cluster's kubectl first, for child processes on the host. */
    env: { KUBECONFIG: string; PATH: string };
    prometheusUrl: string;
    /** `[command, args]` running a command inside the namespace (for clients of pod IPs). */
    inNamespace(cmd: string, args: string[]): [string, string[]];
    /**
     * (Re)starts prometheus-adapter with exactly these rules and timing (a stack's `adapterRules`
     * and `adapterSettings` outputs).
     */
    configureAdapter(rulesYaml: string, timing: AdapterTiming): void;
    /** The running prometheus-adapter's command-line arguments (for `npm run doctor`), if one was configured. */
    adapterArgs(): string[] | undefined;
}

export interface StartEnvironmentOptions {
    stateDir?: string;
    log?: (msg: string) => void;
    /** Simulator knobs for every pod (`{"kv-cache-tokens": "800"}`); namespace and pod annotations override them. */
    simDefaults?: Record<string, string>;
}

function statePath(stateDir: string): string {
    return path.join(stateDir, "environment.json");
}

export function readEnvironment(stateDir = DEFAULT_ENV_DIR): Environment | undefined {
    try {
        return withHelpers(JSON.parse(fs.readFileSync(statePath(stateDir), "utf8")) as EnvironmentState);
    } catch {
        return undefined;
    }
}

function withHelpers(s: EnvironmentState): Environment {
    return {
        ...s,
        env: { KUBECONFIG: s.kubeconfig, PATH: `${path.dirname(s.kubectl)}${path.delimiter}${process.env.PATH ?? ""}` },
        prometheusUrl: `http://127.0.0.1:${s.ports.prometheus}`,
        inNamespace: (cmd, args) => nsCommand(s.netns, cmd, args),
        configureAdapter: (rulesYaml, timing) => configureAdapter(s, rulesYaml, timing),
        adapterArgs: () => s.inside.adapter?.process.args,
    };
}

/** Starts the whole environment (stopping one recorded in stateDir first). Needs root for the namespace. */
export async function startEnvironment(opts: StartEnvironmentOptions = {}): Promise<Environment> {
    const stateDir = path.resolve(opts.stateDir ?? DEFAULT_ENV_DIR);
    const log = opts.log ?? ((m: string) => process.stderr.write(`[env] ${m}\n`));
    if (fs.existsSync(statePath(stateDir))) {
        log(`stopping the environment recorded in ${stateDir}`);
        await stopEnvironment({ stateDir, log });
    }
    const binDirs = [...ensureClusterToolchain({ log }), ...ensureMonitoringToolchain()];
    const bins = findBinaries(binDirs);
    process.env.PATH = `${path.dirname(bins.kubectl)}${path.delimiter}${process.env.PATH ?? ""}`;
    const simMain = ensureSimBuilt();
    fs.mkdirSync(path.join(stateDir, "logs"), { recursive: true });

    const netns = await createNetns({ logFile: path.join(stateDir, "logs", "netns.log"), localRanges: [POD_CIDR, SERVICE_HOST_CIDR] });
    let hostRelay: ProcessRecord | undefined;
    try {
        log("starting the control plane, the pod runner and monitoring inside the namespace");
        const [cmd, args] = nsCommand(netns, process.execPath, [
            ...TS_NODE,
            path.join(REPO_ROOT, "env", "inside.ts"),
            "up",
            "--state-dir",
            stateDir,
            "--sim-main",
            simMain,
            ...binDirs.flatMap((d) => ["--bin-dir", d]),
            ...Object.entries(opts.simDefaults ?? {}).flatMap(([k, v]) => ["--sim-default", `${k}=${v}`]),
        ]);
        execFileSync(cmd, args, { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, PATH: process.env.PATH } });
        const inside = JSON.parse(fs.readFileSync(insideStatePath(stateDir), "utf8")) as InsideState;

        const [apiPort, promPort] = [await freePort(), await freePort()];
        hostRelay = startTsDaemon(
            "relay-host",
            path.join(REPO_ROOT, "env", "relay.ts"),
            [
                ...["--map", `tcp:127.0.0.1:${apiPort}=unix:${inside.sockets.apiserver}`],
                ...["--map", `tcp:127.0.0.1:${promPort}=unix:${inside.sockets.prometheus}`],
            ],
            path.join(stateDir, "logs", "relay-host.log"),
        );
        const kubeconfig = path.join(stateDir, "kubeconfig");
        writeHostKubeconfig(inside.kubeconfig, kubeconfig, `https://127.0.0.1:${apiPort}`);
        const ports = { apiserver: apiPort, prometheus: promPort };
        const state: EnvironmentState = { version: 1, stateDir, netns, kubeconfig, hostRelay, kubectl: bins.kubectl, binDirs, ports, inside };
        fs.writeFileSync(statePath(stateDir), JSON.stringify(state, null, 2));
        await waitUntil(
            "the API server through the host relay",
            async () => execFileSync(bins.kubectl, ["--kubeconfig", kubeconfig, "get", "--raw", "/readyz"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim() === "ok",
            { timeoutMs: 30_000, process: hostRelay },
        );
        log(`environment is up; KUBECONFIG=${kubeconfig} PROMETHEUS_URL=http://127.0.0.1:${promPort}`);
        return withHelpers(state);
    } catch (e) {
        log("start failed; stopping what was started");
        if (fs.existsSync(statePath(stateDir))) await stopEnvironment({ stateDir, log: () => undefined }).catch(() => undefined);
        else await stopPartial(stateDir, netns, hostRelay);
        throw e;
    }
}

/** A start that failed before its state was written: stop what is recorded so far. */
async function stopPartial(stateDir: string, netns: NetworkNamespace, hostRelay?: ProcessRecord): Promise<void> {
    if (hostRelay) await stopProcess(hostRelay, 2_000);
    try {
        const inside = JSON.parse(fs.readFileSync(insideStatePath(stateDir), "utf8")) as InsideState;
        await stopInside(inside, stateDir);
    } catch {
        await stopCluster({ stateDir: path.join(stateDir, "cluster"), log: () => undefined }).catch(() => undefined);
    }
    await deleteNetns(netns);
}

function writeHostKubeconfig(from: string, to: string, server: string): void {
    const doc = parseDocument(fs.readFileSync(from, "utf8"));
    const clusters = doc.get("clusters") as { items: { get(k: string): { set(k: string, v: string): void } }[] };
    for (const c of clusters.items) c.get("cluster").set("server", server);
    fs.writeFileSync(to, doc.toString(), { mode: 0o600 });
}

function configureAdapter(s: EnvironmentState, rulesYaml: string, timing: AdapterTiming): void {
    const rulesFile = path.join(s.stateDir, "run", "adapter-rules.yaml");
    fs.writeFileSync(rulesFile, rulesYaml);
    const [cmd, args] = nsCommand(s.netns, process.execPath, [
        ...TS_NODE,
        path.join(REPO_ROOT, "env", "inside.ts"),
        "adapter",
        "--state-dir",
        s.stateDir,
        "--rules-file",
        rulesFile,
        ...["--metrics-relist-interval", timing.metricsRelistInterval, "--metrics-max-age", timing.metricsMaxAge],
        ...s.binDirs.flatMap((d) => ["--bin-dir", d]),
    ]);
    execFileSync(cmd, args, { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit"] });
    // The adapter's record lives in inside.json; keep ours in step for stop().
    s.inside = JSON.parse(fs.readFileSync(insideStatePath(s.stateDir), "utf8")) as InsideState;
    fs.writeFileSync(statePath(s.stateDir), JSON.stringify(s, null, 2));
}

/** Stops the namespace's processes: simulators, pod runner, relay, monitoring, then the control plane. */
async function stopInside(inside: InsideState, stateDir: string): Promise<void> {
    await stopProcess(inside.runner, 15_000);
    // A runner that died without cleaning up leaves its simulators: they are recorded.
    const pidsFile = path.join(stateDir, "run", "pods.json");
    if (fs.existsSync(pidsFile)) {
        const { simulators } = JSON.parse(fs.readFileSync(pidsFile, "utf8")) as { simulators: number[] };
        for (const pid of simulators) {
            await stopProcess({ name: "simulator", pid, command: process.execPath, args: [], logFile: "" }, 5_000);
        }
    }
    if (inside.adapter) await stopProcess(inside.adapter.process, 10_000);
    for (const p of [...(inside.prometheus?.processes ?? [])].reverse()) await stopProcess(p, 10_000);
    await stopProcess(inside.relay, 2_000);
    await stopCluster({ stateDir: inside.clusterStateDir, log: () => undefined });
}

export async function stopEnvironment(opts: { stateDir?: string; log?: (msg: string) => void } = {}): Promise<void> {
    const stateDir = path.resolve(opts.stateDir ?? DEFAULT_ENV_DIR);
    const log = opts.log ?? ((m: string) => process.stderr.write(`[env] ${m}\n`));
    const s = readEnvironment(stateDir);
    if (!s) {
        log(`no environment recorded in ${stateDir}`);
        return;
    }
    await stopProcess(s.hostRelay, 2_000);
    await stopInside(s.inside, stateDir);
    await deleteNetns(s.netns);
    fs.rmSync(statePath(stateDir), { force: true });
    log("environment stopped");
}

/** What of a recorded environment is still running (by PID). */
export function environmentProcesses(stateDir = DEFAULT_ENV_DIR): { name: string; pid: number; running: boolean }[] {
    const s = readEnvironment(stateDir);
    if (!s) return [];
    const recs = [
        s.netns.holder,
        s.hostRelay,
        s.inside.runner,
        s.inside.relay,
        ...(s.inside.prometheus?.processes ?? []),
        ...(s.inside.adapter ? [s.inside.adapter.process] : []),
    ];
    return recs.map((r) => ({ name: r.name, pid: r.pid, running: isRunning(r) }));
}
