/**
 * Environments recorded before the one state file (version 1: environment.json + inside.json +
 * cluster/state.json + run/pods.json): found and stopped by PID in the old stop order, so an
 * environment started by an older checkout is never orphaned by this one. Remove once no such
 * environment can be running.
 */
import * as fs from "fs";
import * as path from "path";
import { ProcessRecord, stopProcess } from "./process";

type Rec = ProcessRecord;
interface V1 {
    version: 1;
    netns?: { holder?: Rec };
    hostRelay?: Rec;
    inside?: { runner?: Rec; relay?: Rec; clusterStateDir?: string; prometheus?: { processes?: Rec[] }; adapter?: { process?: Rec } };
}

function readJson<T>(file: string): T | undefined {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as T;
    } catch {
        return undefined;
    }
}

/** True when `file` holds a version-1 environment. */
export function isLegacyEnvironment(file: string): boolean {
    return readJson<{ version?: number }>(file)?.version === 1;
}

type V1Component = { name: string; pid: number; bin: string; args: string[]; log: string };
const CLUSTER_STOP_ORDER = ["kwok", "kube-scheduler", "kube-controller-manager", "kube-apiserver", "etcd"];

function clusterRecords(components: V1Component[] | undefined): Rec[] {
    return CLUSTER_STOP_ORDER.flatMap((n) =>
        (components ?? []).filter((c) => c.name === n).map((c) => ({ name: c.name, pid: c.pid, command: c.bin, args: c.args, logFile: c.log })),
    );
}

/** A cluster started alone by an older checkout (`<stateDir>/state.json` version 1): stops it, removes the file; false when there is none. */
export async function stopLegacyCluster(stateDir: string): Promise<boolean> {
    const file = path.join(stateDir, "state.json");
    const s = readJson<{ version?: number; components?: V1Component[] }>(file);
    if (s?.version !== 1) return false;
    for (const rec of clusterRecords(s.components)) await stopProcess(rec, 10_000);
    fs.rmSync(file, { force: true });
    return true;
}

/** Stops a version-1 environment's processes (the old order) and removes its state files. */
export async function stopLegacyEnvironment(stateDir: string): Promise<void> {
    const s = readJson<V1>(path.join(stateDir, "environment.json"));
    if (!s) return;
    const inside = s.inside ?? {};
    const sims = readJson<{ simulators?: number[] }>(path.join(stateDir, "run", "pods.json"))?.simulators ?? [];
    const clusterDir = inside.clusterStateDir ?? path.join(stateDir, "cluster");
    const clusterRecs = clusterRecords(readJson<{ components?: V1Component[] }>(path.join(clusterDir, "state.json"))?.components);
    const order: (Rec | undefined)[] = [
        s.hostRelay,
        inside.runner,
        ...sims.map((pid) => ({ name: "simulator", pid, command: process.execPath, args: [], logFile: "" })),
        inside.adapter?.process,
        ...[...(inside.prometheus?.processes ?? [])].reverse(),
        inside.relay,
        ...clusterRecs,
        s.netns?.holder,
    ];
    for (const rec of order) if (rec) await stopProcess(rec, 10_000);
    for (const f of [path.join(stateDir, "environment.json"), path.join(stateDir, "inside.json"), path.join(clusterDir, "state.json")]) fs.rmSync(f, { force: true });
}
