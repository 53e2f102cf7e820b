/**
 * What a started cluster records: its processes go into the environment's one state file
 * (env/stateFile.ts, in start order), its facts (where it serves, its binaries, its nodes) under
 * the `cluster` key. Started alone (`npm run cluster`), that file is `<stateDir>/state.json`.
 */
import * as path from "path";
import { REPO_ROOT } from "../repo";
import { StateFile } from "../stateFile";
import { BinaryName } from "./binaries";

/** Default state directory: certificates, kubeconfigs, etcd data, logs and the state file. */
export const DEFAULT_STATE_DIR = path.join(REPO_ROOT, ".cache", "cluster");

export const CLUSTER_FACTS = "cluster";

export interface ClusterState {
    startedAt: string;
    stateDir: string;
    kubeconfig: string;
    server: string;
    ports: Record<string, number>;
    bins: Record<BinaryName, string>;
    crdDir?: string;
    nodes: string[];
}

/** The state file of a cluster started alone in stateDir. */
export function clusterStateFile(stateDir: string): StateFile {
    return new StateFile(path.join(stateDir, "state.json"));
}

export function readState(state: StateFile): ClusterState | undefined {
    return state.fact<ClusterState>(CLUSTER_FACTS);
}

export function writeState(state: StateFile, facts: ClusterState): void {
    state.setFact(CLUSTER_FACTS, facts);
}
