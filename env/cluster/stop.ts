/** Stopping a recorded cluster: exactly its processes, by PID, in stages, each wait bounded. */
import * as fs from "fs";
import * as path from "path";
import { pidAlive, stopProcess } from "../process";
import { markStopped } from "./cleanup";
import { Log, defaultLog } from "./log";
import { ComponentState, DEFAULT_STATE_DIR, readState, runningInStopOrder, statePath, toRecord } from "./state";

/** How long a process may take to disappear after SIGKILL before we call it stuck. */
const KILL_WAIT_MS = 5000;

/** Resolves with p's outcome, or "timeout" after ms (the timer never holds the process open). */
function within(p: Promise<unknown>, ms: number): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve("timeout"), ms);
        timer.unref();
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** env/process stopProcess (SIGTERM, SIGKILL after graceMs), its wait after SIGKILL bounded. */
async function stopComponent(c: ComponentState, graceMs: number, log: Log): Promise<void> {
    const t = Date.now();
    await within(stopProcess(toRecord(c), graceMs), graceMs + KILL_WAIT_MS);
    if (Date.now() - t >= graceMs) log(`${c.name} (pid ${c.pid}) did not stop within ${graceMs / 1000}s of SIGTERM: SIGKILL`);
}

/**
 * Stops exactly the processes recorded in the state file (checked by PID and executable), in
 * stages (kwok, scheduler and controller-manager; then the API server; then etcd): SIGTERM, then
 * SIGKILL to any still alive after graceMs. Keeps logs and certificates.
 */
export async function stopCluster(opts: { stateDir?: string; graceMs?: number; log?: Log } = {}): Promise<void> {
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
    for (const group of runningInStopOrder(state)) {
        await Promise.all(group.map((c) => stopComponent(c, graceMs, log)));
        stopped.push(...group.filter((c) => !pidAlive(c.pid)));
        left.push(...group.filter((c) => pidAlive(c.pid)));
    }
    fs.rmSync(statePath(stateDir), { force: true });
    markStopped(stateDir);
    const names = (cs: ComponentState[]) => cs.map((c) => `${c.name}(${c.pid})`).join(", ");
    if (left.length > 0) throw new Error(`local cluster: still running after SIGKILL: ${names(left)}`);
    log(`stopped ${stopped.length} process(es)${stopped.length ? ": " + names(stopped) : ""}`);
}
