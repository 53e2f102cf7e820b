/**
 * A fresh cluster's files and ports: certificates, kubeconfigs per identity, free loopback ports,
 * and the cluster's facts in the state file (its processes are recorded there as they start).
 */
import * as fs from "fs";
import * as path from "path";
import { apiserverUrl } from "./apiserver";
import { BinaryName } from "./binaries";
import { StateFile } from "../stateFile";
import { Launch } from "./component";
import { writeKubeconfig } from "./kubeconfig";
import { Log } from "./log";
import { Pki, generatePki } from "./pki";
import { freePorts } from "../ports";
import { ClusterState, writeState } from "./state";

export interface ClusterPorts {
    etcd: number;
    etcdPeer: number;
    apiserver: number;
    controllerManager: number;
    scheduler: number;
    kwok: number;
}

export interface ClusterLayout {
    stateDir: string;
    pki: Pki;
    ports: ClusterPorts;
    /** The cluster's facts; `save()` writes them to the state file. */
    state: ClusterState;
    file: StateFile;
    save(): void;
    /** The kubeconfig of a component's client identity (see CLIENT_IDENTITIES). */
    kubeconfigOf(identity: string): string;
    /** Logs in `<stateDir>/logs`, working directory `<stateDir>/run`. */
    launch(bin: string): Launch;
}

/** Subdirectories recreated on every start (the state file itself stays until stopCluster). */
const FRESH_DIRS = ["pki", "etcd-data", "logs", "run"];
/** Client identities with a kubeconfig under run/ (the admin's is `<stateDir>/kubeconfig`). */
const COMPONENT_IDENTITIES = ["controller-manager", "scheduler", "kwok"];

async function allocatePorts(): Promise<ClusterPorts> {
    const [etcd, etcdPeer, apiserver, controllerManager, scheduler, kwok] = await freePorts(6);
    return { etcd, etcdPeer, apiserver, controllerManager, scheduler, kwok };
}

/** Fresh certificates, etcd data and logs; kubeconfigs; the cluster's facts in the state file. */
export async function prepareLayout(stateDir: string, bins: Record<BinaryName, string>, crdDir: string | undefined, log: Log, file: StateFile): Promise<ClusterLayout> {
    for (const sub of FRESH_DIRS) fs.rmSync(path.join(stateDir, sub), { recursive: true, force: true });
    fs.mkdirSync(path.join(stateDir, "logs"), { recursive: true });
    fs.mkdirSync(path.join(stateDir, "run"), { recursive: true });

    log("generating certificates (openssl)");
    const pki = generatePki(path.join(stateDir, "pki"));
    const ports = await allocatePorts();
    const server = apiserverUrl(ports.apiserver);
    const kubeconfig = path.join(stateDir, "kubeconfig");
    const kubeconfigOf = (identity: string) => path.join(stateDir, "run", `${identity}.kubeconfig`);
    writeKubeconfig(kubeconfig, server, pki, "admin");
    for (const id of COMPONENT_IDENTITIES) writeKubeconfig(kubeconfigOf(id), server, pki, id);

    const state: ClusterState = {
        startedAt: new Date().toISOString(),
        stateDir,
        kubeconfig,
        server,
        ports: { ...ports },
        bins,
        crdDir,
        nodes: [],
    };
    writeState(file, state);
    return {
        stateDir,
        pki,
        ports,
        state,
        file,
        save: () => writeState(file, state),
        kubeconfigOf,
        launch: (bin) => ({ bin, logDir: path.join(stateDir, "logs"), cwd: path.join(stateDir, "run") }),
    };
}
