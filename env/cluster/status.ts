/** What a recorded cluster looks like from outside: running, healthy, and how clients reach it. */
import * as path from "path";
import { apiserverReady } from "./apiserver";
import { adminTls } from "./http";
import { ClusterInfo, ClusterStatus } from "./options";
import { pkiIn } from "./pki";
import { ClusterState, DEFAULT_STATE_DIR, componentRunning, readState } from "./state";

/** The API server of a recorded cluster answers /readyz (false when it does not, or its PKI is gone). */
export async function stateReady(state: Pick<ClusterState, "server" | "stateDir">): Promise<boolean> {
    try {
        return await apiserverReady(state.server, adminTls(pkiIn(path.join(state.stateDir, "pki"))));
    } catch {
        return false;
    }
}

export function infoFromState(state: ClusterState, reused: boolean, startMs: number): ClusterInfo {
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

export async function clusterStatus(opts: { stateDir?: string } = {}): Promise<ClusterStatus> {
    const stateDir = path.resolve(opts.stateDir ?? DEFAULT_STATE_DIR);
    const state = readState(stateDir);
    if (!state) return { stateDir, running: false, healthy: false, components: [] };
    const components = state.components.map((c) => ({ name: c.name, pid: c.pid, running: componentRunning(c), log: c.log }));
    const running = components.length > 0 && components.every((c) => c.running);
    const healthy = running && (await stateReady(state));
    return { stateDir, running, healthy, server: state.server, kubeconfig: state.kubeconfig, components };
}
