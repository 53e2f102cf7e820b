/**
 * The local environment, from the user's side: a network namespace of its own holding the control
 * plane, kwok's GPU nodes, the pod runner with its simulators and the monitoring stack
 * (env/inside.ts), plus relays so that `kubectl` with the printed KUBECONFIG and the printed
 * Prometheus URL work from the user's shell. The demo, the bench and the tests share it.
 *
 * Every process is a Component recorded in ONE state file, `<stateDir>/environment.json`, in start
 * order: the namespace holder, the control plane, the pod runner, monitoring, the relays, later
 * the adapter. Stopping is the reverse of that list, whoever started what; so is the rollback of
 * a failed start.
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { AdapterTiming } from "@vllm-pulumi/kube-parser";
import { ensureSimBuilt } from "../sim/build";
import { ensureClusterToolchain, findBinaries } from "./cluster";
import { Startup, recordedStatus, stopComponents } from "./components";
import { ADAPTER_NAME, INSIDE_FACTS, InsideState, environmentStateFile } from "./inside";
import { isLegacyEnvironment, stopLegacyEnvironment } from "./legacyState";
import { ensureMonitoringToolchain } from "./monitoring";
import { NetworkNamespace, createNetns, nsCommand } from "./netns";
import { freePorts } from "./ports";
import { waitUntil } from "./process";
import { REPO_ROOT } from "./repo";
import { StateFile } from "./stateFile";
import { TS_NODE, tsDaemon } from "./tsDaemon";

/** kwok hands pod IPs out of this range; routed to `lo` inside the namespace. */
export const POD_CIDR = "10.244.0.0/16";
/** Addresses of the environment's own servers that must be reachable by endpoint (the metrics adapter). */
export const SERVICE_HOST_CIDR = "10.250.0.0/24";

/** Where the environment keeps its state; `VLLM_PULUMI_ENV_DIR` moves it (the demo-path test's own environment). */
export const DEFAULT_ENV_DIR = path.resolve(process.env.VLLM_PULUMI_ENV_DIR ?? path.join(REPO_ROOT, ".cache", "env"));

const ENVIRONMENT_FACTS = "environment";

/** What the host side records (the processes are in the same file's process list). */
export interface EnvironmentState {
    stateDir: string;
    netns: Pick<NetworkNamespace, "path" | "localRanges">;
    /** Host-side kubeconfig (server = the host relay). */
    kubeconfig: string;
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
    /** Recorded processes by name, in start order, and whether each runs. */
    processes(): { name: string; pid: number; running: boolean; logFile: string }[];
    /** Stops a recorded process (a fault); it stays recorded, so restartProcess brings it back. */
    stopProcess(name: string): Promise<void>;
    /** Starts a recorded process again the same way (stopping it first if it runs) and waits until it is ready. */
    restartProcess(name: string): Promise<void>;
}

export interface StartEnvironmentOptions {
    stateDir?: string;
    log?: (msg: string) => void;
    /** Simulator knobs for every pod (`{"kv-cache-tokens": "800"}`); namespace and pod annotations override them. */
    simDefaults?: Record<string, string>;
}

export function readEnvironment(stateDir = DEFAULT_ENV_DIR): Environment | undefined {
    const state = environmentStateFile(path.resolve(stateDir));
    const facts = state.fact<EnvironmentState>(ENVIRONMENT_FACTS);
    return facts ? withHelpers(facts, state) : undefined;
}

function withHelpers(s: EnvironmentState, state: StateFile): Environment {
    return {
        ...s,
        env: { KUBECONFIG: s.kubeconfig, PATH: `${path.dirname(s.kubectl)}${path.delimiter}${process.env.PATH ?? ""}` },
        prometheusUrl: `http://127.0.0.1:${s.ports.prometheus}`,
        inNamespace: (cmd, args) => nsCommand(s.netns, cmd, args),
        configureAdapter: (rulesYaml, timing) => configureAdapter(s, rulesYaml, timing),
        adapterArgs: () => state.process(ADAPTER_NAME)?.args,
        processes: () => recordedStatus(state),
        stopProcess: async (name) => {
            if (!state.process(name)) throw new Error(`no process named ${name} in ${state.file}`);
            await stopComponents(state, { only: [name], keepRecords: true });
        },
        restartProcess: (name) => runInsideAsync(s, ["restart", "--state-dir", s.stateDir, "--name", name]),
    };
}

/** Runs env/inside.ts with these arguments inside the namespace, where the recorded addresses are reachable. */
function runInside(s: Pick<EnvironmentState, "netns">, args: string[]): void {
    const [cmd, argv] = nsCommand(s.netns, process.execPath, [...TS_NODE, path.join(REPO_ROOT, "env", "inside.ts"), ...args]);
    execFileSync(cmd, argv, { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, PATH: process.env.PATH } });
}

/** The same without blocking this process (a fault test keeps measuring while a process restarts). */
function runInsideAsync(s: Pick<EnvironmentState, "netns">, args: string[]): Promise<void> {
    const [cmd, argv] = nsCommand(s.netns, process.execPath, [...TS_NODE, path.join(REPO_ROOT, "env", "inside.ts"), ...args]);
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, argv, { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit"] });
        child.on("error", reject);
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`env/inside.ts ${args.join(" ")} exited with ${code}`))));
    });
}

/** Starts the whole environment (stopping one recorded in stateDir first). Needs root for the namespace. */
export async function startEnvironment(opts: StartEnvironmentOptions = {}): Promise<Environment> {
    const stateDir = path.resolve(opts.stateDir ?? DEFAULT_ENV_DIR);
    const log = opts.log ?? ((m: string) => process.stderr.write(`[env] ${m}\n`));
    const state = environmentStateFile(stateDir);
    if (state.exists()) {
        log(`stopping the environment recorded in ${stateDir}`);
        await stopEnvironment({ stateDir, log });
    }
    const binDirs = [...ensureClusterToolchain({ log }), ...ensureMonitoringToolchain()];
    const bins = findBinaries(binDirs);
    process.env.PATH = `${path.dirname(bins.kubectl)}${path.delimiter}${process.env.PATH ?? ""}`;
    const simMain = ensureSimBuilt();
    fs.mkdirSync(path.join(stateDir, "logs"), { recursive: true });

    const netns = await createNetns({ logFile: path.join(stateDir, "logs", "netns.log"), localRanges: [POD_CIDR, SERVICE_HOST_CIDR] });
    state.add(netns.holder);
    try {
        log("starting the control plane, the pod runner and monitoring inside the namespace");
        runInside({ netns }, [
            "up",
            ...["--state-dir", stateDir, "--sim-main", simMain],
            ...binDirs.flatMap((d) => ["--bin-dir", d]),
            ...Object.entries(opts.simDefaults ?? {}).flatMap(([k, v]) => ["--sim-default", `${k}=${v}`]),
        ]);
        const inside = state.fact<InsideState>(INSIDE_FACTS);
        if (!inside) throw new Error(`the namespace side recorded nothing in ${state.file}`);

        const [apiPort, promPort] = await freePorts(2);
        const hostRelay = tsDaemon({
            name: "relay-host",
            file: path.join(REPO_ROOT, "env", "relay.ts"),
            args: [
                ...["--map", `tcp:127.0.0.1:${apiPort}=unix:${inside.sockets.apiserver}`],
                ...["--map", `tcp:127.0.0.1:${promPort}=unix:${inside.sockets.prometheus}`],
            ],
            logFile: path.join(stateDir, "logs", "relay-host.log"),
            graceMs: 2_000,
            readiness: { all: [{ tcp: { host: "127.0.0.1", port: apiPort } }, { tcp: { host: "127.0.0.1", port: promPort } }] },
            readyTimeoutMs: 30_000,
        });
        await new Startup(state, log).start(hostRelay);
        const kubeconfig = path.join(stateDir, "kubeconfig");
        writeHostKubeconfig(inside.kubeconfig, kubeconfig, `https://127.0.0.1:${apiPort}`);
        const facts: EnvironmentState = {
            stateDir,
            netns: { path: netns.path, localRanges: netns.localRanges },
            kubeconfig,
            kubectl: bins.kubectl,
            binDirs,
            ports: { apiserver: apiPort, prometheus: promPort },
            inside,
        };
        state.setFact(ENVIRONMENT_FACTS, facts);
        await waitUntil(
            "the API server through the host relay",
            async () => execFileSync(bins.kubectl, ["--kubeconfig", kubeconfig, "get", "--raw", "/readyz"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim() === "ok",
            { timeoutMs: 30_000, process: hostRelay.process },
        );
        log(`environment is up; KUBECONFIG=${kubeconfig} PROMETHEUS_URL=http://127.0.0.1:${promPort}`);
        return withHelpers(facts, state);
    } catch (e) {
        log("start failed; stopping what was started");
        await stopEnvironment({ stateDir, log: () => undefined }).catch(() => undefined);
        throw e;
    }
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
    runInside(s, [
        "adapter",
        ...["--state-dir", s.stateDir, "--rules-file", rulesFile],
        ...["--metrics-relist-interval", timing.metricsRelistInterval, "--metrics-max-age", timing.metricsMaxAge],
        ...s.binDirs.flatMap((d) => ["--bin-dir", d]),
    ]);
}

/** Stops every recorded process in the reverse of the start order (the namespace holder last) and removes the state file. */
export async function stopEnvironment(opts: { stateDir?: string; log?: (msg: string) => void } = {}): Promise<void> {
    const stateDir = path.resolve(opts.stateDir ?? DEFAULT_ENV_DIR);
    const log = opts.log ?? ((m: string) => process.stderr.write(`[env] ${m}\n`));
    const state = environmentStateFile(stateDir);
    if (!state.exists()) {
        log(`no environment recorded in ${stateDir}`);
        return;
    }
    if (isLegacyEnvironment(state.file!)) await stopLegacyEnvironment(stateDir);
    await stopComponents(state);
    state.delete();
    log("environment stopped");
}

/** What of a recorded environment is still running (by PID), in start order. */
export function environmentProcesses(stateDir = DEFAULT_ENV_DIR): { name: string; pid: number; running: boolean }[] {
    return recordedStatus(environmentStateFile(path.resolve(stateDir))).map(({ name, pid, running }) => ({ name, pid, running }));
}
