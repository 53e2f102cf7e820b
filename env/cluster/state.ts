/**
 * The cluster's state file, `<stateDir>/state.json`: where it serves, its binaries and every process
 * it started (PID, executable, args, log), so any later process can find, check and stop exactly those.
 */
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/toolchain";
import { ProcessRecord, isRunning } from "../process";
import { BinaryName, ComponentName } from "./binaries";

/** Default state directory: certificates, kubeconfigs, etcd data, logs and the PID file. */
export const DEFAULT_STATE_DIR = path.join(REPO_ROOT, ".cache", "cluster");

const STATE_FILE = "state.json";

/** One started process, as recorded (the state file's own field names, kept stable). */
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

export function statePath(stateDir: string): string {
    return path.join(stateDir, STATE_FILE);
}

/** The recorded state, or undefined when there is none (or it is unreadable). */
export function readState(stateDir: string): ClusterState | undefined {
    try {
        return JSON.parse(fs.readFileSync(statePath(stateDir), "utf8")) as ClusterState;
    } catch {
        return undefined;
    }
}

/** Atomic: a reader never sees half a file. */
export function writeState(state: ClusterState): void {
    const file = statePath(state.stateDir);
    fs.writeFileSync(file + ".tmp", JSON.stringify(state, null, 2) + "\n");
    fs.renameSync(file + ".tmp", file);
}

export function toRecord(c: ComponentState): ProcessRecord {
    return { name: c.name, pid: c.pid, command: c.bin, args: c.args, logFile: c.log };
}

export function fromRecord(name: ComponentName, rec: ProcessRecord): ComponentState {
    return { name, pid: rec.pid, bin: rec.command, args: rec.args, log: rec.logFile };
}

/** Alive and still running its recorded executable (never a reused PID). */
export function componentRunning(c: ComponentState): boolean {
    return isRunning(toRecord(c));
}

/** Stop order: clients first, then the API server, then etcd (an apiserver without etcd hangs on shutdown). */
const STOP_STAGES: ComponentName[][] = [["kwok", "kube-scheduler", "kube-controller-manager"], ["kube-apiserver"], ["etcd"]];

/** The recorded components still running, grouped in stop order (empty groups dropped). */
export function runningInStopOrder(state: ClusterState): ComponentState[][] {
    const ours = state.components.filter(componentRunning);
    return STOP_STAGES.map((names) => ours.filter((c) => names.includes(c.name))).filter((g) => g.length > 0);
}
