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
import { ProcessRecord, startProcess, waitUntil } from "./process";

export interface InsideState {
    clusterStateDir: string;
    kubeconfig: string;
    apiPort: number;
    runner: ProcessRecord;
    relay: ProcessRecord;
    /** Unix sockets the host relays connect to, by what they lead to. */
    sockets: { apiserver: string; prometheus?: string };
    prometheus?: { port: number; processes: ProcessRecord[] };
}

export const TS_NODE = ["-r", "ts-node/register/transpile-only"];

/** A TypeScript daemon of ours, started with ts-node (type checking is `npm test`'s job). */
export function startTsDaemon(name: string, file: string, args: string[], logFile: string): ProcessRecord {
    return startProcess({ name, command: process.execPath, args: [...TS_NODE, file, ...args], cwd: REPO_ROOT, logFile });
}

export function insideStatePath(stateDir: string): string {
    return path.join(stateDir, "inside.json");
}

export async function up(o: { stateDir: string; simMain: string; binDirs: string[] }): Promise<InsideState> {
    const logs = path.join(o.stateDir, "logs");
    const run = path.join(o.stateDir, "run");
    fs.mkdirSync(run, { recursive: true });
    const clusterStateDir = path.join(o.stateDir, "cluster");
    const cluster = await startCluster({ stateDir: clusterStateDir, binDirs: o.binDirs, crds: "all", podLifecycle: "runner", reuse: false });
    const apiPort = Number(new URL(cluster.server).port);

    const runner = startTsDaemon(
        "pod-runner",
        path.join(REPO_ROOT, "env", "pods", "runner.ts"),
        ["--kubeconfig", cluster.kubeconfig, "--sim-main", o.simMain, "--log-dir", path.join(logs, "pods"), "--pids-file", path.join(run, "pods.json")],
        path.join(logs, "pod-runner.log"),
    );
    const sockets = { apiserver: path.join(run, "apiserver.sock") };
    const relay = startTsDaemon(
        "relay-inside",
        path.join(REPO_ROOT, "env", "relay.ts"),
        ["--map", `unix:${sockets.apiserver}=tcp:127.0.0.1:${apiPort}`],
        path.join(logs, "relay-inside.log"),
    );
    await waitUntil("the namespace side of the relay", async () => fs.existsSync(sockets.apiserver), { timeoutMs: 30_000, process: relay });
    await waitUntil("the pod runner", async () => fs.existsSync(path.join(run, "pods.json")), { timeoutMs: 30_000, process: runner });

    const state: InsideState = { clusterStateDir, kubeconfig: cluster.kubeconfig, apiPort, runner, relay, sockets };
    fs.writeFileSync(insideStatePath(o.stateDir), JSON.stringify(state, null, 2));
    return state;
}

async function main(): Promise<void> {
    const { values, positionals } = parseArgs({
        allowPositionals: true,
        options: {
            "state-dir": { type: "string" },
            "sim-main": { type: "string" },
            "bin-dir": { type: "string", multiple: true },
        },
        strict: true,
    });
    if (positionals[0] !== "up" || !values["state-dir"] || !values["sim-main"]) {
        console.error("usage: inside.ts up --state-dir DIR --sim-main FILE [--bin-dir DIR...]");
        process.exit(2);
    }
    await up({ stateDir: values["state-dir"], simMain: values["sim-main"], binDirs: values["bin-dir"] ?? [] });
}

if (require.main === module) {
    main().catch((e) => {
        console.error(`local environment: ${(e as Error).message}`);
        process.exit(1);
    });
}
