/** What a recorded cluster looks like from outside: running, healthy, and how clients reach it. */
import * as path from "path";
import { recordedStatus } from "../components";
import { adminTls } from "../http";
import { StateFile } from "../stateFile";
import { apiserverReady } from "./apiserver";
import { ClusterInfo, ClusterStatus } from "./options";
import { pkiIn } from "./pki";
import { ClusterState, DEFAULT_STATE_DIR, clusterStateFile, readState } from "./state";

/** The API server of a recorded cluster answers /readyz (false when it does not, or its PKI is gone). */
export async function stateReady(state: Pick<ClusterState, "server" | "stateDir">): Promise<boolean> {
    try {
        return await apiserverReady(state.server, adminTls(pkiIn(path.join(state.stateDir, "pki"))));
    } catch {
        return false;
    }
}

export function infoFromState(facts: ClusterState, state: StateFile, reused: boolean, startMs: number): ClusterInfo {
    const kubectlDir = path.dirname(facts.bins.kubectl);
    return {
        kubeconfig: facts.kubeconfig,
        server: facts.server,
        stateDir: facts.stateDir,
        env: { KUBECONFIG: facts.kubeconfig, PATH: [kubectlDir, process.env.PATH ?? ""].join(path.delimiter) },
        kubectl: facts.bins.kubectl,
        nodes: facts.nodes,
        pids: Object.fromEntries(state.processes().map((c) => [c.name, c.pid])),
        reused,
        startMs,
    };
}

export async function clusterStatus(opts: { stateDir?: string } = {}): Promise<ClusterStatus> {
    const stateDir = path.resolve(opts.stateDir ?? DEFAULT_STATE_DIR);
    const state = clusterStateFile(stateDir);
    const facts = readState(state);
    if (!facts) return { stateDir, running: false, healthy: false, components: [] };
    const components = recordedStatus(state).map((c) => ({ name: c.name, pid: c.pid, running: c.running, log: c.logFile }));
    const running = components.length > 0 && components.every((c) => c.running);
    const healthy = running && (await stateReady(facts));
    return { stateDir, running, healthy, server: facts.server, kubeconfig: facts.kubeconfig, components };
}
