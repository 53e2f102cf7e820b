/**
 * A real, local Kubernetes control plane with simulated GPU nodes, on loopback only, in the shape of
 * controller-runtime's envtest: one module per process (etcd, apiserver, controllerManager,
 * scheduler, kwok), each started with env/process.ts and waited on with a bounded health check.
 *
 *   etcd -> kube-apiserver -> kube-controller-manager + kube-scheduler -> kwok (fake nodes, pod lifecycle)
 *
 * Everything it starts is built from the pinned Go modules under tools/ (tools/kube, tools/etcd,
 * tools/kwok, tools/crds) and taken from PATH or from `binDirs`. Files (certificates, kubeconfigs,
 * etcd data, logs) live in the git-ignored `<repo>/.cache/cluster/`; the processes are recorded in
 * the environment's state file, or `<stateDir>/state.json` when the cluster is started alone (state.ts).
 *
 * What is real: the API server (admission, validation, RBAC, server-side apply, CRDs), the
 * controllers (Deployment, ReplicaSet, Endpoints, EndpointSlice, HPA, namespace, garbage
 * collector, service accounts, ...) and the scheduler (resource fit, including `nvidia.com/gpu`).
 * What is simulated: the nodes and their kubelets (kwok).
 */
import * as path from "path";
import { Startup } from "../components";
import { stopLegacyCluster } from "../legacyState";
import { StateFile } from "../stateFile";
import { findBinaries } from "./binaries";
import { startControlPlane } from "./controlPlane";
import { findCrdDir } from "./crds";
import { findStagesDir } from "./kwok";
import { prepareLayout } from "./layout";
import { Log, defaultLog } from "./log";
import { DEFAULT_NODE_GROUPS } from "./nodes";
import { createObjects } from "./objects";
import { ClusterInfo, StartOptions } from "./options";
import { infoFromState, stateReady } from "./status";
import { ClusterState, DEFAULT_STATE_DIR, clusterStateFile, readState } from "./state";
import { recordedStatus } from "../components";
import { markStarted } from "./cleanup";
import { stopCluster } from "./stop";

export { CLUSTER_TOOL_COMPONENTS, ensureClusterToolchain, findBinaries } from "./binaries";
export { registerCleanup } from "./cleanup";
export { DEFAULT_CRDS, selectCrdFiles } from "./crds";
export { DEFAULT_NODE_GROUPS } from "./nodes";
export type { FakeNodeGroup } from "./nodes";
export type { ClusterInfo, ClusterStatus, ComponentStatus, StartOptions } from "./options";
export { DEFAULT_STATE_DIR } from "./state";
export type { ClusterState } from "./state";
export { clusterStatus } from "./status";
export { stopCluster } from "./stop";

/** The healthy cluster recorded in stateDir when it may be reused; otherwise stops whatever is recorded. */
async function reuseOrStop(state: StateFile, stateDir: string, reuse: boolean, log: Log): Promise<ClusterState | undefined> {
    if (await stopLegacyCluster(stateDir)) log(`stopped the cluster an older version recorded in ${stateDir}`);
    const existing = readState(state);
    if (!existing) return undefined;
    if (reuse && recordedStatus(state).every((c) => c.running) && (await stateReady(existing))) {
        log(`reusing the running cluster at ${existing.server} (state ${state.file})`);
        return existing;
    }
    log(`stopping the previous cluster recorded in ${state.file}`);
    await stopCluster({ stateDir, log });
    return undefined;
}

/** Where everything comes from: the binaries, the CRD manifests and kwok's stages. Fails before anything starts. */
function resolveInputs(opts: StartOptions, log: Log) {
    const bins = findBinaries(opts.binDirs);
    const crdDir = findCrdDir(opts.crdDir, opts.binDirs, bins.kubectl);
    const stagesDir = findStagesDir(bins.kwok, opts.stagesDir);
    if (!crdDir) log("warning: no CRD directory found (../share/crds next to a binary dir); no CRDs will be applied");
    return { bins, crdDir, stagesDir };
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on 127.0.0.1,
 * creates the fake GPU nodes and applies the CRDs. Reuses a healthy cluster already recorded in
 * stateDir (unless `reuse: false`, which stops it first). On failure, stops what it started.
 * With `state` (the environment's state file), records its processes there instead and reuses nothing.
 */
export async function startCluster(opts: StartOptions = {}): Promise<ClusterInfo> {
    const t0 = Date.now();
    const log = opts.log ?? defaultLog;
    const stateDir = path.resolve(opts.stateDir ?? DEFAULT_STATE_DIR);
    const timeoutMs = opts.timeoutMs ?? 60_000;

    const alone = opts.state === undefined;
    const state = opts.state ?? clusterStateFile(stateDir);
    if (alone) {
        const running = await reuseOrStop(state, stateDir, opts.reuse !== false, log);
        if (running) return infoFromState(running, state, true, Date.now() - t0);
    }

    const { bins, crdDir, stagesDir } = resolveInputs(opts, log);
    const layout = await prepareLayout(stateDir, bins, crdDir, log, state);
    if (alone) markStarted(stateDir);
    await new Startup(state, log).run(async (startup) => {
        const cp = await startControlPlane(layout, { stagesDir, podLifecycle: opts.podLifecycle ?? "kwok", timeoutMs }, startup);
        await createObjects(layout, cp, { nodeGroups: opts.nodeGroups ?? DEFAULT_NODE_GROUPS, crds: opts.crds, timeoutMs }, log);
    }).catch((e) => {
        if (alone) state.delete();
        throw e;
    });

    const ms = Date.now() - t0;
    log(`cluster is up at ${layout.state.server} in ${(ms / 1000).toFixed(1)}s; KUBECONFIG=${layout.state.kubeconfig}`);
    return infoFromState(layout.state, state, false, ms);
}
