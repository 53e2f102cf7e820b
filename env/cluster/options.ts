/** The local cluster's public types: what startCluster takes and what it and clusterStatus return. */
import { StateFile } from "../stateFile";
import { Log } from "./log";
import { PodLifecycle } from "./kwok";
import { FakeNodeGroup } from "./nodes";

export interface StartOptions {
    /** Directories searched for the binaries before PATH (etcd, kube-*, kubectl, kwok). */
    binDirs?: string[];
    /** Directory holding the CRD manifests to apply (default: `<bin>/../share/crds` of some binary dir or PATH dir). */
    crdDir?: string;
    /**
     * Which CRDs of crdDir to apply, by plural (file `*_<plural>.yaml`), or "all". Default
     * DEFAULT_CRDS, or env VLLM_CLUSTER_CRDS ("all" or a comma-separated list).
     */
    crds?: "all" | string[];
    /** Directory holding the kwok Stage manifests (default: `<kwok>/../share/kwok/stages`). */
    stagesDir?: string;
    /**
     * Who makes pods Ready: "kwok" (its fast stage: Ready the moment they are scheduled) or
     * "runner" (kwok only gives them an IP; env/pods runs their processes and probes and sets
     * readiness and restarts). Default "kwok".
     */
    podLifecycle?: PodLifecycle;
    /** State directory (default `<repo>/.cache/cluster`). */
    stateDir?: string;
    /** Fake nodes to create (default DEFAULT_NODE_GROUPS). */
    nodeGroups?: FakeNodeGroup[];
    /** Bound for each wait (each component's health, CRDs, nodes), in ms. Default 60000. */
    timeoutMs?: number;
    /** Reuse a healthy cluster recorded in stateDir instead of failing/restarting. Default true. */
    reuse?: boolean;
    /** Progress output (default: stderr). */
    log?: Log;
    /** Record the processes in this state file (the environment's) instead of `<stateDir>/state.json`. */
    state?: StateFile;
}

export interface ClusterInfo {
    /** Path of the admin kubeconfig (user in system:masters). */
    kubeconfig: string;
    /** API server URL, https://127.0.0.1:<port>. */
    server: string;
    stateDir: string;
    /** Environment to add for clients: KUBECONFIG and a PATH that has the cluster's kubectl first. */
    env: { KUBECONFIG: string; PATH: string };
    /** Path of the kubectl that matches the API server. */
    kubectl: string;
    /** The fake nodes. */
    nodes: string[];
    /** PIDs of the processes started, by component. */
    pids: Record<string, number>;
    /** True when an already running cluster was reused (then this call started nothing). */
    reused: boolean;
    /** Wall time of startCluster, in ms. */
    startMs: number;
}

export interface ComponentStatus {
    name: string;
    pid: number;
    running: boolean;
    log: string;
}

export interface ClusterStatus {
    stateDir: string;
    running: boolean;
    healthy: boolean;
    server?: string;
    kubeconfig?: string;
    components: ComponentStatus[];
}
