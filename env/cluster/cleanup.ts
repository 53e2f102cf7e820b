/**
 * Stopping on exit: every cluster this process started is stopped when it exits, normally or by a
 * signal. Exit handlers get no event loop, so this stop is synchronous (same stages as stopCluster).
 */
import * as os from "os";
import { isRunning, pidAlive } from "../process";
import { clusterStateFile } from "./state";

/** Clusters started by this process (stateDirs), stopped by registerCleanup's handlers. */
const startedHere = new Set<string>();

export function markStarted(stateDir: string): void {
    startedHere.add(stateDir);
}

export function markStopped(stateDir: string): void {
    startedHere.delete(stateDir);
}

function signalPid(pid: number, sig: NodeJS.Signals): void {
    try {
        process.kill(pid, sig);
    } catch {
        /* already gone */
    }
}

function sleepSync(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** SIGTERM each process in reverse start order, SIGKILL what outlives graceMs, each wait bounded; removes the state file. */
export function stopSync(stateDir: string, graceMs = 10_000): void {
    const state = clusterStateFile(stateDir);
    for (const c of [...state.processes()].reverse()) {
        if (!isRunning(c)) continue;
        signalPid(c.pid, "SIGTERM");
        const deadline = Date.now() + graceMs;
        while (pidAlive(c.pid) && Date.now() < deadline) sleepSync(50);
        if (pidAlive(c.pid)) signalPid(c.pid, "SIGKILL");
        const killDeadline = Date.now() + 5000;
        while (pidAlive(c.pid) && Date.now() < killDeadline) sleepSync(50);
    }
    state.delete();
    markStopped(stateDir);
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
