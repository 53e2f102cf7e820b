/**
 * A real, local Kubernetes control plane with simulated GPU nodes, on loopback only.
 *
 *   etcd -> kube-apiserver -> kube-controller-manager + kube-scheduler -> kwok (fake nodes, pod lifecycle)
 *
 * Everything it starts is built from the pinned Go modules under tools/ (tools/kube, tools/etcd,
 * tools/kwok, tools/crds) and taken from PATH or from `binDirs`. State (certificates, kubeconfigs,
 * etcd data, logs, PIDs) lives in the git-ignored `<repo>/.cache/cluster/`.
 *
 * What is real: the API server (admission, validation, RBAC, server-side apply, CRDs), the
 * controllers (Deployment, ReplicaSet, Endpoints, EndpointSlice, HPA, namespace, garbage
 * collector, service accounts, ...) and the scheduler (resource fit, including `nvidia.com/gpu`).
 * What is simulated: the nodes and their kubelets (kwok): pods are "Running" and "Ready" as soon as
 * they are scheduled, nothing runs, no image is pulled, there is no GPU.
 *
 * Library:
 *   const c = await startCluster();          // reuses a healthy cluster of the same stateDir
 *   process.env.KUBECONFIG = c.kubeconfig;   // or spawn with { env: { ...process.env, ...c.env } }
 *   ...
 *   await stopCluster();                     // SIGTERM, then SIGKILL after a bound, by PID
 *   registerCleanup();                       // also stop it on process exit / SIGINT / SIGTERM
 *
 * CLI: ts-node scripts/local-cluster.ts up|down|status [--bin-dir DIR]... [--state-dir DIR] [--no-build] [--all-crds]
 */
import { ChildProcess, execFile, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { writeKubeconfig } from "../env/cluster/kubeconfig";
import { POD_CIDR, SERVICE_CIDR } from "../env/cluster/network";
import { generatePki } from "../env/cluster/pki";
import { REPO_ROOT } from "./toolchain";

/** The repository root (this file lives in <root>/scripts). */
export { REPO_ROOT }; // one definition, in ./toolchain
/** Default state directory: certificates, kubeconfigs, etcd data, logs and the PID file. */
export const DEFAULT_STATE_DIR = path.join(REPO_ROOT, ".cache", "cluster");

const STATE_FILE = "state.json";
const COMPONENT_ORDER = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"] as const;
type ComponentName = (typeof COMPONENT_ORDER)[number];
const REQUIRED_BINARIES = [...COMPONENT_ORDER, "kubectl"] as const;
type BinaryName = (typeof REQUIRED_BINARIES)[number];


/** A simulated node group. */
export interface FakeNodeGroup {
    /** Node name prefix: nodes are `<prefix>-0`, `<prefix>-1`, ... */
    prefix: string;
    count: number;
    gpus: number;
    cpu: string;
    memory: string;
    pods: string;
    /** Value of the `nvidia.com/gpu.product` label (informational only). */
    gpuProduct: string;
}

/** Two nodes with 8 GPUs each: enough for the dev stack and for the prod stack (8 GPUs per pod). */
export const DEFAULT_NODE_GROUPS: FakeNodeGroup[] = [
    { prefix: "kwok-gpu", count: 2, gpus: 8, cpu: "192", memory: "2Ti", pods: "110", gpuProduct: "simulated-gpu-80GB" },
];

/**
 * The Prometheus Operator CRDs applied by default: the ones an application ships to be monitored
 * (ServiceMonitor, PodMonitor, Probe, PrometheusRule). The operator's own workload CRDs
 * (Prometheus, Alertmanager, ThanosRuler, PrometheusAgent, ScrapeConfig, AlertmanagerConfig) are
 * ~1.4 MB of schemas that take the API server 10-20 s to install on 2 cores; ask for them with
 * `crds: "all"` (CLI `--all-crds`, env VLLM_CLUSTER_CRDS=all).
 */
export const DEFAULT_CRDS = ["servicemonitors", "podmonitors", "probes", "prometheusrules"];

export interface StartOptions {
    /** Directories searched for the binaries before PATH (etcd, kube-*, kubectl, kwok). */
    binDirs?: string[];
    /** Directory holding the CRD manifests to apply (default: `<bin>/../share/crds` of some binary dir or PATH dir). */
    crdDir?: string;
    /**
     * Which CRDs of crdDir to apply, by plural (file `*_<plural>.yaml`), or "all". Default
     * DEFAULT_CRDS, or env VLLM_CLUSTER_CRDS ("all" or a comma-separated list).
     */
    crds?: "all" | string[];
    /** Directory holding the kwok Stage manifests (default: `<kwok>/../share/kwok/stages`). */
    stagesDir?: string;
    /**
     * Who makes pods Ready: "kwok" (its fast stage: Ready the moment they are scheduled) or
     * "runner" (kwok only gives them an IP; env/pods runs their processes and probes and sets
     * readiness and restarts). Default "kwok".
     */
    podLifecycle?: "kwok" | "runner";
    /** State directory (default `<repo>/.cache/cluster`). */
    stateDir?: string;
    /** Fake nodes to create (default DEFAULT_NODE_GROUPS). */
    nodeGroups?: FakeNodeGroup[];
    /** Bound for each wait (each component's health, CRDs, nodes), in ms. Default 60000. */
    timeoutMs?: number;
    /** Reuse a healthy cluster recorded in stateDir instead of failing/restarting. Default true. */
    reuse?: boolean;
    /** Progress output (default: stderr). */
    log?: (msg: string) => void;
}

export interface ComponentState {
    name: ComponentName;
    pid: number;
    bin: string;
    args: string[];
    log: string;
}

export interface ClusterState {
    version: 1;
    startedAt: string;
    stateDir: string;
    kubeconfig: string;
    server: string;
    ports: Record<string, number>;
    bins: Record<BinaryName, string>;
    crdDir?: string;
    nodes: string[];
    components: ComponentState[];
}

export interface ClusterInfo {
    /** Path of the admin kubeconfig (user in system:masters). */
    kubeconfig: string;
    /** API server URL, https://127.0.0.1:<port>. */
    server: string;
    stateDir: string;
    /** Environment to add for clients: KUBECONFIG and a PATH that has the cluster's kubectl first. */
    env: { KUBECONFIG: string; PATH: string };
    /** Path of the kubectl that matches the API server. */
    kubectl: string;
    /** The fake nodes. */
    nodes: string[];
    /** PIDs of the processes started, by component. */
    pids: Record<string, number>;
    /** True when an already running cluster was reused (then this call started nothing). */
    reused: boolean;
    /** Wall time of startCluster, in ms. */
    startMs: number;
}

export interface ComponentStatus {
    name: string;
    pid: number;
    running: boolean;
    log: string;
}

export interface ClusterStatus {
    stateDir: string;
    running: boolean;
    healthy: boolean;
    server?: string;
    kubeconfig?: string;
    components: ComponentStatus[];
}

// ---------------------------------------------------------------------------------------------
// helpers

const defaultLog = (msg: string): void => {
    process.stderr.write(`[local-cluster] ${msg}\n`);
};

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

function sleepSync(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isExecutable(p: string): boolean {
    try {
        fs.accessSync(p, fs.constants.X_OK);
        return fs.statSync(p).isFile();
    } catch {
        return false;
    }
}

function searchDirs(binDirs: string[] | undefined): string[] {
    const fromPath = (process.env.PATH ?? "").split(path.delimiter).filter((d) => d !== "");
    return [...(binDirs ?? []), ...fromPath];
}

/** Finds each required binary in binDirs, then PATH. Throws one error listing every missing one. */
export function findBinaries(binDirs?: string[]): Record<BinaryName, string> {
    const dirs = searchDirs(binDirs);
    const found: Partial<Record<BinaryName, string>> = {};
    const missing: string[] = [];
    for (const name of REQUIRED_BINARIES) {
        const hit = dirs.map((d) => path.join(d, name)).find(isExecutable);
        if (hit) found[name] = path.resolve(hit);
        else missing.push(name);
    }
    if (missing.length > 0) {
        throw new Error(
            `local cluster: binaries not found: ${missing.join(", ")} (searched ${binDirs?.length ? "binDirs, then " : ""}PATH). ` +
                `Build them with tools/ensure-toolchain.sh (or tools/{kube,etcd,kwok,crds}/build.sh OUT_DIR) and put OUT_DIR/bin on PATH.`,
        );
    }
    return found as Record<BinaryName, string>;
}

/** `<dir of the real file>/../share/<sub>` for each candidate binary, first that exists. */
function findShareDir(candidates: string[], sub: string, probe: (dir: string) => boolean): string | undefined {
    const seen = new Set<string>();
    for (const c of candidates) {
        for (const p of [c, safeRealpath(c)]) {
            if (!p) continue;
            const dir = path.join(path.dirname(p), "..", "share", sub);
            if (seen.has(dir)) continue;
            seen.add(dir);
            if (probe(dir)) return path.resolve(dir);
        }
    }
    return undefined;
}

function safeRealpath(p: string): string | undefined {
    try {
        return fs.realpathSync(p);
    } catch {
        return undefined;
    }
}

function hasYaml(dir: string): boolean {
    try {
        return fs.readdirSync(dir).some((f) => f.endsWith(".yaml") || f.endsWith(".yml"));
    } catch {
        return false;
    }
}

/** The CRD files of crdDir to apply (see StartOptions.crds). Throws if a requested one is missing. */
export function selectCrdFiles(crdDir: string, crds?: "all" | string[]): string[] {
    const env = process.env.VLLM_CLUSTER_CRDS;
    const want =
        crds ??
        (env
            ? env === "all"
                ? "all"
                : env
                      .split(",")
                      .map((x) => x.trim())
                      .filter((x) => x !== "")
            : DEFAULT_CRDS);
    const files = fs
        .readdirSync(crdDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort();
    if (want === "all") return files.map((f) => path.join(crdDir, f));
    const picked: string[] = [];
    const missing: string[] = [];
    for (const plural of want) {
        const f = files.find((x) => x.replace(/\.ya?ml$/, "").endsWith(`_${plural}`));
        if (f) picked.push(path.join(crdDir, f));
        else missing.push(plural);
    }
    if (missing.length > 0) throw new Error(`local cluster: no CRD file for ${missing.join(", ")} in ${crdDir}`);
    return picked;
}

/** Free TCP ports on 127.0.0.1 (all held open together, so they are distinct). */
async function freePorts(n: number): Promise<number[]> {
    const servers: net.Server[] = [];
    try {
        const ports: number[] = [];
        for (let i = 0; i < n; i++) {
            const srv = net.createServer();
            servers.push(srv);
            await new Promise<void>((resolve, reject) => {
                srv.once("error", reject);
                srv.listen(0, "127.0.0.1", () => resolve());
            });
            ports.push((srv.address() as net.AddressInfo).port);
        }
        return ports;
    } finally {
        await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    }
}

function tailFile(file: string, lines = 40): string {
    try {
        const text = fs.readFileSync(file, "utf8");
        const all = text.split("\n");
        return all.slice(Math.max(0, all.length - lines - 1)).join("\n");
    } catch (e) {
        return `(no log: ${(e as Error).message})`;
    }
}

function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch {
        return false;
    }
    // A zombie (exited child not yet reaped) is not running.
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
        return state !== "Z" && state !== "X";
    } catch {
        return true;
    }
}

/** True when pid is alive and is still the process we started (same executable), not a reused PID. */
function isOurProcess(c: ComponentState): boolean {
    if (!pidAlive(c.pid)) return false;
    try {
        const argv0 = fs.readFileSync(`/proc/${c.pid}/cmdline`, "utf8").split("\0")[0];
        return argv0 === c.bin;
    } catch {
        return process.platform !== "linux"; // no /proc: trust the PID
    }
}

function run(bin: string, args: string[], opts: { input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = execFile(
            bin,
            args,
            { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, cwd: opts.cwd },
            (err, stdout, stderr) => {
                if (err) {
                    reject(new Error(`${path.basename(bin)} ${args.join(" ")} failed: ${err.message}\n${stderr}${stdout}`.trim()));
                } else {
                    resolve(stdout);
                }
            },
        );
        if (opts.input !== undefined) child.stdin?.end(opts.input);
    });
}

// ---------------------------------------------------------------------------------------------
// health checks

interface TlsOpts {
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
}

function httpGet(url: string, tls: TlsOpts = {}, timeoutMs = 3000): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const u = new URL(url);
        const mod = u.protocol === "https:" ? https : http;
        const req = mod.get(
            { hostname: u.hostname, port: u.port, path: u.pathname + u.search, timeout: timeoutMs, ...tls, agent: false },
            (res) => {
                let body = "";
                res.setEncoding("utf8");
                res.on("data", (d: string) => (body += d));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            },
        );
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", reject);
    });
}

/**
 * Polls `check` until it returns true, within timeoutMs. Fails early if the component's process
 * exited. The error names the component and shows the tail of its log.
 */
async function waitFor(
    what: string,
    check: () => Promise<boolean>,
    opts: { timeoutMs: number; component?: { name: string; child?: ChildProcess; log: string }; intervalMs?: number },
): Promise<void> {
    const deadline = Date.now() + opts.timeoutMs;
    let lastErr = "";
    for (;;) {
        const child = opts.component?.child;
        if (child && (child.exitCode !== null || child.signalCode !== null)) {
            throw new Error(
                `local cluster: ${opts.component!.name} exited (code ${child.exitCode}, signal ${child.signalCode}) while waiting for ${what}.\n` +
                    `--- last lines of ${opts.component!.log} ---\n${tailFile(opts.component!.log)}`,
            );
        }
        try {
            if (await check()) return;
        } catch (e) {
            lastErr = (e as Error).message;
        }
        if (Date.now() > deadline) {
            const logPart = opts.component ? `\n--- last lines of ${opts.component.log} ---\n${tailFile(opts.component.log)}` : "";
            throw new Error(
                `local cluster: timed out after ${Math.round(opts.timeoutMs / 1000)}s waiting for ${what}` +
                    (lastErr ? ` (last error: ${lastErr})` : "") +
                    logPart,
            );
        }
        await sleep(opts.intervalMs ?? 250);
    }
}

// ---------------------------------------------------------------------------------------------
// state

function statePath(stateDir: string): string {
    return path.join(stateDir, STATE_FILE);
}

function readState(stateDir: string): ClusterState | undefined {
    try {
        return JSON.parse(fs.readFileSync(statePath(stateDir), "utf8")) as ClusterState;
    } catch {
        return undefined;
    }
}

function writeState(state: ClusterState): void {
    const file = statePath(state.stateDir);
    fs.writeFileSync(file + ".tmp", JSON.stringify(state, null, 2) + "\n");
    fs.renameSync(file + ".tmp", file);
}

async function apiserverReady(state: Pick<ClusterState, "server" | "stateDir">): Promise<boolean> {
    const pki = path.join(state.stateDir, "pki");
    const tls: TlsOpts = {
        ca: fs.readFileSync(path.join(pki, "ca.crt")),
        cert: fs.readFileSync(path.join(pki, "admin.crt")),
        key: fs.readFileSync(path.join(pki, "admin.key")),
    };
    const res = await httpGet(`${state.server}/readyz`, tls);
    return res.status === 200;
}

function infoFromState(state: ClusterState, reused: boolean, startMs: number): ClusterInfo {
    const kubectlDir = path.dirname(state.bins.kubectl);
    return {
        kubeconfig: state.kubeconfig,
        server: state.server,
        stateDir: state.stateDir,
        env: { KUBECONFIG: state.kubeconfig, PATH: [kubectlDir, process.env.PATH ?? ""].join(path.delimiter) },
        kubectl: state.bins.kubectl,
        nodes: state.nodes,
        pids: Object.fromEntries(state.components.map((c) => [c.name, c.pid])),
        reused,
        startMs,
    };
}

// ---------------------------------------------------------------------------------------------
// start

/** Clusters started by this process (stateDirs), stopped by registerCleanup's handlers. */
const startedHere = new Set<string>();

function nodeManifest(groups: FakeNodeGroup[]): { yaml: string; names: string[] } {
    const docs: string[] = [];
    const names: string[] = [];
    let ipIndex = 1;
    for (const g of groups) {
        for (let i = 0; i < g.count; i++) {
            const name = `${g.prefix}-${i}`;
            names.push(name);
            const ip = `10.200.0.${ipIndex++}`; // fake, never routed
            const res = `      cpu: "${g.cpu}"
      memory: "${g.memory}"
      pods: "${g.pods}"
      ephemeral-storage: "2Ti"
      nvidia.com/gpu: "${g.gpus}"`;
            docs.push(`apiVersion: v1
kind: Node
metadata:
  name: ${name}
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: ${name}
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    nvidia.com/gpu.present: "true"
    nvidia.com/gpu.count: "${g.gpus}"
    nvidia.com/gpu.product: "${g.gpuProduct}"
spec: {}
status:
  addresses:
    - type: InternalIP
      address: ${ip}
    - type: Hostname
      address: ${name}
  capacity:
${res}
  allocatable:
${res}
`);
        }
    }
    return { yaml: docs.join("---\n"), names };
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on 127.0.0.1,
 * creates the fake GPU nodes and applies the CRDs. Reuses a healthy cluster already recorded in
 * stateDir (unless `reuse: false`, which stops it first). On failure, stops what it started.
 */
/** Our pod-start stage (env/kwok) replaces kwok's pod-ready when env/pods owns readiness. */
const RUNNER_POD_STAGE = path.join(REPO_ROOT, "env", "kwok", "pod-start.yaml");

function kwokStageFiles(stagesDir: string, lifecycle: "kwok" | "runner"): string[] {
    const upstream = fs
        .readdirSync(stagesDir)
        .filter((f) => f.endsWith(".yaml") && !(lifecycle === "runner" && f === "pod-ready.yaml"))
        .sort()
        .map((f) => path.join(stagesDir, f));
    return lifecycle === "runner" ? [...upstream, RUNNER_POD_STAGE] : upstream;
}

export async function startCluster(opts: StartOptions = {}): Promise<ClusterInfo> {
    const t0 = Date.now();
    const log = opts.log ?? defaultLog;
    const stateDir = path.resolve(opts.stateDir ?? DEFAULT_STATE_DIR);
    const timeoutMs = opts.timeoutMs ?? 60_000;

    const existing = readState(stateDir);
    if (existing) {
        const allAlive = existing.components.every(isOurProcess);
        if (allAlive && opts.reuse !== false && (await apiserverReady(existing).catch(() => false))) {
            log(`reusing the running cluster at ${existing.server} (state ${statePath(stateDir)})`);
            return infoFromState(existing, true, Date.now() - t0);
        }
        log("stopping the previous cluster recorded in " + statePath(stateDir));
        await stopCluster({ stateDir, log });
    }

    const bins = findBinaries(opts.binDirs);
    const crdDir =
        opts.crdDir ??
        process.env.VLLM_CLUSTER_CRD_DIR ??
        (process.env.VLLM_PULUMI_TOOL_CRDS && hasYaml(path.join(process.env.VLLM_PULUMI_TOOL_CRDS, "share", "crds"))
            ? path.join(process.env.VLLM_PULUMI_TOOL_CRDS, "share", "crds")
            : undefined) ??
        findShareDir([...searchDirs(opts.binDirs).map((d) => path.join(d, "controller-gen")), bins.kubectl], "crds", hasYaml);
    const stagesDir = opts.stagesDir ?? findShareDir([bins.kwok], path.join("kwok", "stages"), hasYaml);
    if (!stagesDir) {
        throw new Error(
            `local cluster: no kwok stages found next to ${bins.kwok} (expected ../share/kwok/stages/*.yaml, written by tools/kwok/build.sh); pass stagesDir`,
        );
    }
    if (!crdDir) log("warning: no CRD directory found (../share/crds next to a binary dir); no CRDs will be applied");

    // Fresh state every start: certificates, etcd data, logs.
    for (const sub of ["pki", "etcd-data", "logs", "run"]) fs.rmSync(path.join(stateDir, sub), { recursive: true, force: true });
    fs.mkdirSync(path.join(stateDir, "logs"), { recursive: true });
    fs.mkdirSync(path.join(stateDir, "run"), { recursive: true });

    log("generating certificates (openssl)");
    const pki = generatePki(path.join(stateDir, "pki"));
    const [etcdPort, etcdPeerPort, apiPort, kcmPort, schedPort, kwokPort] = await freePorts(6);
    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfig = path.join(stateDir, "kubeconfig");
    const kc = (name: string) => path.join(stateDir, "run", `${name}.kubeconfig`);
    writeKubeconfig(kubeconfig, server, pki, "admin");
    writeKubeconfig(kc("controller-manager"), server, pki, "controller-manager");
    writeKubeconfig(kc("scheduler"), server, pki, "scheduler");
    writeKubeconfig(kc("kwok"), server, pki, "kwok");

    const state: ClusterState = {
        version: 1,
        startedAt: new Date().toISOString(),
        stateDir,
        kubeconfig,
        server,
        ports: {
            etcd: etcdPort,
            etcdPeer: etcdPeerPort,
            apiserver: apiPort,
            controllerManager: kcmPort,
            scheduler: schedPort,
            kwok: kwokPort,
        },
        bins,
        crdDir,
        nodes: [],
        components: [],
    };
    writeState(state);
    startedHere.add(stateDir);

    const children = new Map<string, ChildProcess>();
    const startComponent = (name: ComponentName, args: string[]): { name: string; child: ChildProcess; log: string } => {
        const logFile = path.join(stateDir, "logs", `${name}.log`);
        const fd = fs.openSync(logFile, "a");
        const env = { ...process.env };
        delete env.KUBECONFIG;
        const child = spawn(bins[name], args, {
            cwd: path.join(stateDir, "run"),
            stdio: ["ignore", fd, fd],
            detached: true, // own process group: survives the CLI that started it, not hit by its Ctrl-C
            env,
        });
        fs.closeSync(fd);
        child.on("error", (err) => fs.appendFileSync(logFile, `\n[local-cluster] spawn error: ${err.message}\n`));
        child.unref();
        if (child.pid === undefined) throw new Error(`local cluster: could not start ${bins[name]}`);
        children.set(name, child);
        state.components.push({ name, pid: child.pid, bin: bins[name], args, log: logFile });
        writeState(state);
        return { name, child, log: logFile };
    };
    const timed = async (label: string, fn: () => Promise<void>) => {
        const t = Date.now();
        await fn();
        log(`${label} (${((Date.now() - t) / 1000).toFixed(1)}s)`);
    };

    const adminTls: TlsOpts = {
        ca: fs.readFileSync(pki.caCrt),
        cert: fs.readFileSync(pki.cert("admin").crt),
        key: fs.readFileSync(pki.cert("admin").key),
    };
    const ca = { ca: adminTls.ca };

    try {
        // etcd: plain HTTP on loopback only (as envtest does).
        const etcd = startComponent("etcd", [
            "--name=local",
            `--data-dir=${path.join(stateDir, "etcd-data")}`,
            `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
            `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
            `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
            `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
            `--initial-cluster=local=http://127.0.0.1:${etcdPeerPort}`,
            "--initial-cluster-state=new",
            "--unsafe-no-fsync=true", // throwaway test data: no fsync, much faster on shared disks
            "--log-level=warn",
        ]);
        await timed("etcd is healthy", () =>
            waitFor(
                `etcd http://127.0.0.1:${etcdPort}/health`,
                async () => {
                    const r = await httpGet(`http://127.0.0.1:${etcdPort}/health`);
                    return r.status === 200 && /"health":\s*"true"/.test(r.body);
                },
                { timeoutMs, component: etcd },
            ),
        );

        const apiserver = startComponent("kube-apiserver", [
            `--etcd-servers=http://127.0.0.1:${etcdPort}`,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            `--secure-port=${apiPort}`,
            `--cert-dir=${path.join(stateDir, "run", "apiserver-certs")}`,
            `--tls-cert-file=${pki.apiserverCrt}`,
            `--tls-private-key-file=${pki.apiserverKey}`,
            `--client-ca-file=${pki.caCrt}`,
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            `--service-account-key-file=${pki.saPub}`,
            `--service-account-signing-key-file=${pki.saKey}`,
            `--service-cluster-ip-range=${SERVICE_CIDR}`,
            "--authorization-mode=Node,RBAC",
            `--requestheader-client-ca-file=${pki.cert("front-proxy-ca").crt}`,
            "--requestheader-allowed-names=front-proxy-client",
            "--requestheader-username-headers=X-Remote-User",
            "--requestheader-group-headers=X-Remote-Group",
            "--requestheader-extra-headers-prefix=X-Remote-Extra-",
            `--proxy-client-cert-file=${pki.cert("front-proxy-client").crt}`,
            `--proxy-client-key-file=${pki.cert("front-proxy-client").key}`,
            "--enable-aggregator-routing=true", // no kube-proxy: reach aggregated APIs by endpoint
            // The `kubernetes` Service gets no Endpoints: the only address is loopback, which Endpoints
            // reject, and nothing in a kwok pod could use it anyway.
            "--endpoint-reconciler-type=none",
            "--allow-privileged=true",
            "--profiling=false",
            // Default admission plugins, ServiceAccount included: the controller-manager below creates
            // the `default` ServiceAccount of each namespace and mints tokens with sa.key.
        ]);
        await timed("kube-apiserver is ready", () =>
            waitFor(`kube-apiserver ${server}/readyz`, async () => (await httpGet(`${server}/readyz`, adminTls)).status === 200, {
                timeoutMs,
                component: apiserver,
            }),
        );

        // Flags the controller-manager and the scheduler share: own identity, loopback-only
        // secure port with a serving cert, client certs from our CA, a single instance.
        const controlLoopFlags = (identity: string, port: number) => [
            `--kubeconfig=${kc(identity)}`,
            `--authentication-kubeconfig=${kc(identity)}`,
            `--authorization-kubeconfig=${kc(identity)}`,
            "--bind-address=127.0.0.1",
            `--secure-port=${port}`,
            `--tls-cert-file=${pki.cert(`${identity}-serving`).crt}`,
            `--tls-private-key-file=${pki.cert(`${identity}-serving`).key}`,
            `--client-ca-file=${pki.caCrt}`,
            "--leader-elect=false",
        ];
        const kcm = startComponent("kube-controller-manager", [
            ...controlLoopFlags("controller-manager", kcmPort),
            // One identity for all controllers instead of one ServiceAccount token per controller:
            // minting ~40 tokens at startup delays the controllers by ~10s on 2 cores. The RBAC of
            // Kubernetes' own controllers is not what this cluster is for.
            "--use-service-account-credentials=false",
            `--service-account-private-key-file=${pki.saKey}`,
            `--root-ca-file=${pki.caCrt}`,
            `--cluster-signing-cert-file=${pki.caCrt}`,
            `--cluster-signing-key-file=${pki.caKey}`,
            `--service-cluster-ip-range=${SERVICE_CIDR}`,
            // All default controllers: deployment, replicaset, endpoints, endpointslice,
            // horizontalpodautoscaling, namespace, garbage-collector, serviceaccount(-token), nodelifecycle, ...
            "--controllers=*",
        ]);
        const sched = startComponent("kube-scheduler", controlLoopFlags("scheduler", schedPort));
        const stageFiles = kwokStageFiles(stagesDir, opts.podLifecycle ?? "kwok").map((f) => `--config=${f}`);
        const kwok = startComponent("kwok", [
            `--kubeconfig=${kc("kwok")}`,
            ...stageFiles,
            "--manage-all-nodes=false",
            "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
            "--node-lease-duration-seconds=40",
            `--cidr=${POD_CIDR}`,
            "--node-ip=10.200.0.254",
            `--server-address=127.0.0.1:${kwokPort}`,
        ]);

        // The three start in parallel; wait for each, bounded.
        await Promise.all([
            timed("kube-controller-manager is healthy", () =>
                waitFor(
                    `kube-controller-manager https://127.0.0.1:${kcmPort}/healthz`,
                    async () => (await httpGet(`https://127.0.0.1:${kcmPort}/healthz`, ca)).status === 200,
                    { timeoutMs, component: kcm },
                ),
            ),
            timed("kube-scheduler is healthy", () =>
                waitFor(
                    `kube-scheduler https://127.0.0.1:${schedPort}/healthz`,
                    async () => (await httpGet(`https://127.0.0.1:${schedPort}/healthz`, ca)).status === 200,
                    { timeoutMs, component: sched },
                ),
            ),
            timed("kwok is healthy", () =>
                waitFor(
                    `kwok http://127.0.0.1:${kwokPort}/healthz`,
                    async () => (await httpGet(`http://127.0.0.1:${kwokPort}/healthz`)).status === 200,
                    { timeoutMs, component: kwok },
                ),
            ),
        ]);

        const kubectl = (args: string[], input?: string) =>
            run(bins.kubectl, [`--kubeconfig=${kubeconfig}`, ...args], { input, timeoutMs });

        // Fake GPU nodes (created with their status: capacity/allocatable incl. nvidia.com/gpu).
        const nodes = nodeManifest(opts.nodeGroups ?? DEFAULT_NODE_GROUPS);
        state.nodes = nodes.names;
        writeState(state);
        await timed(`created ${nodes.names.length} fake GPU nodes`, async () => {
            await kubectl(["create", "-f", "-"], nodes.yaml);
        });
        const crdFiles = crdDir ? selectCrdFiles(crdDir, opts.crds) : [];
        const crdArgs = crdFiles.flatMap((f) => ["-f", f]);
        const crdsApplied = crdDir
            ? timed(`applied ${crdFiles.length} CRDs from ${crdDir} (server-side)`, async () => {
                  await kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager=local-cluster", ...crdArgs]);
              })
            : Promise.resolve();

        await timed("nodes are Ready and schedulable", () =>
            waitFor(
                `nodes ${nodes.names.join(", ")} Ready without taints`,
                async () => {
                    const res = await httpGet(`${server}/api/v1/nodes`, adminTls);
                    if (res.status !== 200) return false;
                    const out = JSON.parse(res.body) as {
                        items: {
                            metadata: { name: string };
                            spec: { taints?: unknown[] };
                            status: { conditions?: { type: string; status: string }[]; allocatable?: Record<string, string> };
                        }[];
                    };
                    return nodes.names.every((n) => {
                        const node = out.items.find((i) => i.metadata.name === n);
                        const ready = node?.status.conditions?.some((c) => c.type === "Ready" && c.status === "True");
                        return (
                            !!node &&
                            !!ready &&
                            (node.spec.taints ?? []).length === 0 &&
                            node.status.allocatable?.["nvidia.com/gpu"] !== undefined
                        );
                    });
                },
                { timeoutMs, component: { name: "kwok", child: children.get("kwok"), log: kwok.log }, intervalMs: 500 },
            ),
        );
        await crdsApplied;
        if (crdDir) {
            await timed("CRDs are Established", async () => {
                await kubectl(["wait", "--for=condition=Established", `--timeout=${Math.round(timeoutMs / 1000)}s`, ...crdArgs]);
            });
        }
        // Pods need the namespace's `default` ServiceAccount (ServiceAccount admission).
        await timed("default/default ServiceAccount exists", () =>
            waitFor(
                "the default ServiceAccount in namespace default",
                async () => (await httpGet(`${server}/api/v1/namespaces/default/serviceaccounts/default`, adminTls)).status === 200,
                {
                    timeoutMs,
                    component: { name: "kube-controller-manager", child: children.get("kube-controller-manager"), log: kcm.log },
                    intervalMs: 300,
                },
            ),
        );
    } catch (e) {
        log("start failed; stopping what was started");
        await stopCluster({ stateDir, log: () => undefined }).catch(() => undefined);
        throw e;
    }

    const ms = Date.now() - t0;
    log(`cluster is up at ${server} in ${(ms / 1000).toFixed(1)}s; KUBECONFIG=${kubeconfig}`);
    return infoFromState(state, false, ms);
}

// ---------------------------------------------------------------------------------------------
// stop / status

function signalPid(pid: number, sig: NodeJS.Signals): void {
    try {
        process.kill(pid, sig);
    } catch {
        /* already gone */
    }
}

/** Stop order: clients first, then the API server, then etcd (an apiserver without etcd hangs on shutdown). */
const STOP_STAGES: ComponentName[][] = [["kwok", "kube-scheduler", "kube-controller-manager"], ["kube-apiserver"], ["etcd"]];

function stopStages(state: ClusterState): ComponentState[][] {
    const ours = state.components.filter(isOurProcess);
    return STOP_STAGES.map((names) => ours.filter((c) => names.includes(c.name))).filter((g) => g.length > 0);
}

/** Synchronous variant for process exit handlers (no event loop there). */
function stopSync(stateDir: string, graceMs = 10_000): void {
    const state = readState(stateDir);
    if (!state) return;
    for (const group of stopStages(state)) {
        for (const c of group) signalPid(c.pid, "SIGTERM");
        const deadline = Date.now() + graceMs;
        while (group.some((c) => pidAlive(c.pid)) && Date.now() < deadline) sleepSync(50);
        for (const c of group) if (pidAlive(c.pid)) signalPid(c.pid, "SIGKILL");
        const killDeadline = Date.now() + 5000;
        while (group.some((c) => pidAlive(c.pid)) && Date.now() < killDeadline) sleepSync(50);
    }
    fs.rmSync(statePath(stateDir), { force: true });
    startedHere.delete(stateDir);
}

/**
 * Stops exactly the processes recorded in the state file (checked by PID and executable), in
 * stages (kwok, scheduler and controller-manager; then the API server; then etcd): SIGTERM, then
 * SIGKILL to any still alive after graceMs. Keeps logs and certificates.
 */
export async function stopCluster(opts: { stateDir?: string; graceMs?: number; log?: (msg: string) => void } = {}): Promise<void> {
    const stateDir = path.resolve(opts.stateDir ?? DEFAULT_STATE_DIR);
    const log = opts.log ?? defaultLog;
    const state = readState(stateDir);
    if (!state) {
        log(`no cluster recorded in ${stateDir}`);
        return;
    }
    const graceMs = opts.graceMs ?? 10_000;
    const stopped: ComponentState[] = [];
    const left: ComponentState[] = [];
    for (const group of stopStages(state)) {
        for (const c of group) signalPid(c.pid, "SIGTERM");
        const deadline = Date.now() + graceMs;
        while (group.some((c) => pidAlive(c.pid)) && Date.now() < deadline) await sleep(50);
        for (const c of group.filter((g) => pidAlive(g.pid))) {
            log(`${c.name} (pid ${c.pid}) did not stop within ${graceMs / 1000}s of SIGTERM: SIGKILL`);
            signalPid(c.pid, "SIGKILL");
        }
        const killDeadline = Date.now() + 5000;
        while (group.some((c) => pidAlive(c.pid)) && Date.now() < killDeadline) await sleep(50);
        stopped.push(...group.filter((c) => !pidAlive(c.pid)));
        left.push(...group.filter((c) => pidAlive(c.pid)));
    }
    fs.rmSync(statePath(stateDir), { force: true });
    startedHere.delete(stateDir);
    if (left.length > 0)
        throw new Error(`local cluster: still running after SIGKILL: ${left.map((c) => `${c.name}(${c.pid})`).join(", ")}`);
    log(`stopped ${stopped.length} process(es)${stopped.length ? ": " + stopped.map((c) => `${c.name}(${c.pid})`).join(", ") : ""}`);
}

export async function clusterStatus(opts: { stateDir?: string } = {}): Promise<ClusterStatus> {
    const stateDir = path.resolve(opts.stateDir ?? DEFAULT_STATE_DIR);
    const state = readState(stateDir);
    if (!state) return { stateDir, running: false, healthy: false, components: [] };
    const components = state.components.map((c) => ({ name: c.name, pid: c.pid, running: isOurProcess(c), log: c.log }));
    const running = components.length > 0 && components.every((c) => c.running);
    const healthy = running && (await apiserverReady(state).catch(() => false));
    return { stateDir, running, healthy, server: state.server, kubeconfig: state.kubeconfig, components };
}

let cleanupRegistered = false;
/**
 * Stops every cluster that this process started when it exits (normally, through process.exit,
 * an uncaught exception, SIGINT, SIGTERM or SIGHUP). Idempotent. Call it right after startCluster
 * in tests so a failing or interrupted run leaves nothing behind.
 */
export function registerCleanup(): void {
    if (cleanupRegistered) return;
    cleanupRegistered = true;
    const cleanup = () => {
        for (const dir of [...startedHere]) {
            try {
                stopSync(dir);
            } catch {
                /* best effort at exit */
            }
        }
    };
    process.on("exit", cleanup);
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.once(sig, () => {
            cleanup();
            process.exit(128 + (os.constants.signals[sig] ?? 1));
        });
    }
}

// ---------------------------------------------------------------------------------------------
// toolchain

/** The tools/ components this cluster needs (each a tools/<name>/build.sh). */
export const CLUSTER_TOOL_COMPONENTS = ["kube", "etcd", "kwok", "crds"];

/**
 * Returns bin dirs that hold the cluster's binaries, building them when needed:
 * if they are all found in `binDirs` or on PATH nothing is built; otherwise
 * `tools/ensure-toolchain.sh kube etcd kwok crds` builds what is missing into its hash-keyed cache
 * (progress on stderr; a cold build of tools/kube takes tens of minutes on 2 cores) and the PATH
 * fragment it prints as its last stdout line is returned (before `binDirs`).
 */
export function ensureClusterToolchain(opts: { binDirs?: string[]; log?: (msg: string) => void } = {}): string[] {
    const log = opts.log ?? defaultLog;
    try {
        findBinaries(opts.binDirs);
        return opts.binDirs ?? [];
    } catch {
        /* build below */
    }
    const ensure = path.join(REPO_ROOT, "tools", "ensure-toolchain.sh");
    log(`building the cluster toolchain: tools/ensure-toolchain.sh ${CLUSTER_TOOL_COMPONENTS.join(" ")}`);
    const out = execFileSync("bash", [ensure, ...CLUSTER_TOOL_COMPONENTS], {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "inherit"],
        encoding: "utf8",
    });
    const lastLine = out.trim().split("\n").pop() ?? "";
    const dirs = [...lastLine.split(path.delimiter).filter((d) => d !== ""), ...(opts.binDirs ?? [])];
    findBinaries(dirs);
    return dirs;
}

// ---------------------------------------------------------------------------------------------
// CLI

const USAGE =
    "usage: ts-node scripts/local-cluster.ts up|down|status [--bin-dir DIR]... [--state-dir DIR] [--no-build] [--all-crds]\n" +
    "  up      start (or reuse) the local control plane; prints `export KUBECONFIG=...`\n" +
    "          builds missing binaries first (tools/ensure-toolchain.sh kube etcd kwok crds) unless --no-build\n" +
    "          --all-crds: apply every Prometheus Operator CRD, not only DEFAULT_CRDS\n" +
    "  down    stop exactly the processes it started\n" +
    "  status  JSON status; exit 0 when healthy, 3 otherwise\n";

async function main(argv: string[]): Promise<number> {
    // node:util parseArgs rejects unknown flags and a flag missing its value with a clear message.
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                "bin-dir": { type: "string", multiple: true },
                "state-dir": { type: "string" },
                "no-build": { type: "boolean" },
                "all-crds": { type: "boolean" },
            },
        });
    } catch (e) {
        process.stderr.write(`${(e as Error).message}\n${USAGE}`);
        return 2;
    }
    const { values, positionals } = parsed;
    const [cmd, ...extra] = positionals;
    if (extra.length > 0) {
        process.stderr.write(`unexpected argument: ${extra[0]}\n${USAGE}`);
        return 2;
    }
    const binDirs = (values["bin-dir"] ?? []).map((d) => path.resolve(d));
    const stateDir = values["state-dir"] === undefined ? undefined : path.resolve(values["state-dir"]);
    const build = !values["no-build"];
    const crds: "all" | undefined = values["all-crds"] ? "all" : undefined;
    switch (cmd) {
        case "up": {
            const dirs = build ? ensureClusterToolchain({ binDirs }) : binDirs;
            const info = await startCluster({ binDirs: dirs, stateDir, crds });
            process.stdout.write(
                `export KUBECONFIG=${info.kubeconfig}\n` +
                    `# server ${info.server}; nodes ${info.nodes.join(", ")}; ${info.reused ? "reused" : `started in ${(info.startMs / 1000).toFixed(1)}s`}\n` +
                    `# stop with: ts-node scripts/local-cluster.ts down\n`,
            );
            return 0;
        }
        case "down":
            await stopCluster({ stateDir });
            return 0;
        case "status": {
            const s = await clusterStatus({ stateDir });
            process.stdout.write(JSON.stringify(s, null, 2) + "\n");
            return s.healthy ? 0 : 3;
        }
        default:
            process.stderr.write(USAGE);
            return 2;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err: Error) => {
            process.stderr.write(`${err.message}\n`);
            process.exit(1);
        },
    );
}
