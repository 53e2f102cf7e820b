/** Stopping a recorded cluster: exactly its processes, by PID, in the reverse of their start order. */
import * as path from "path";
import { stopComponents } from "../components";
import { stopLegacyCluster } from "../legacyState";
import { isRunning } from "../process";
import { markStopped } from "./cleanup";
import { Log, defaultLog } from "./log";
import { DEFAULT_STATE_DIR, clusterStateFile } from "./state";

/**
 * Stops exactly the processes recorded in `<stateDir>/state.json` (checked by PID and executable)
 * in the reverse of their start order (kwok, scheduler, controller-manager, the API server, etcd):
 * SIGTERM, then SIGKILL to any still alive after graceMs. Keeps logs and certificates.
 */
export async function stopCluster(opts: { stateDir?: string; graceMs?: number; log?: Log } = {}): Promise<void> {
    const stateDir = path.resolve(opts.stateDir ?? DEFAULT_STATE_DIR);
    const log = opts.log ?? defaultLog;
    const state = clusterStateFile(stateDir);
    if (await stopLegacyCluster(stateDir)) log(`stopped the cluster an older version recorded in ${stateDir}`);
    if (!state.exists()) {
        log(`no cluster recorded in ${stateDir}`);
        return;
    }
    const recorded = state.processes().map((r) => (opts.graceMs === undefined ? r : { ...r, graceMs: opts.graceMs }));
    state.update((c) => (c.processes = recorded));
    const stopped = await stopComponents(state);
    const left = recorded.filter((r) => isRunning(r));
    state.delete();
    markStopped(stateDir);
    const names = (rs: { name: string; pid: number }[]) => rs.map((c) => `${c.name}(${c.pid})`).join(", ");
    if (left.length > 0) throw new Error(`local cluster: still running after SIGKILL: ${names(left)}`);
    log(`stopped ${stopped.length} process(es)${stopped.length ? ": " + names(stopped) : ""}`);
}
