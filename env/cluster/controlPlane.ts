/** The control plane's processes in dependency order: etcd, the API server, then its three clients in parallel. */
import * as path from "path";
import { startApiserver } from "./apiserver";
import { Component } from "./component";
import { startControllerManager } from "./controllerManager";
import { startEtcd } from "./etcd";
import { PodLifecycle, startKwok } from "./kwok";
import { ClusterLayout } from "./layout";
import { Log, timed } from "./log";
import { startScheduler } from "./scheduler";

export interface ControlPlane {
    etcd: Component;
    apiserver: Component;
    controllerManager: Component;
    scheduler: Component;
    kwok: Component;
}

export interface ControlPlaneOptions {
    stagesDir: string;
    podLifecycle: PodLifecycle;
    /** Bound for each component's readiness. */
    timeoutMs: number;
}

/** Starts and waits for each process, recording it in the state file as soon as it runs. */
export async function startControlPlane(l: ClusterLayout, o: ControlPlaneOptions, log: Log): Promise<ControlPlane> {
    const { bins } = l.state;
    const { pki, ports } = l;
    const etcd = l.record(
        startEtcd({ ...l.launch(bins.etcd), dataDir: path.join(l.stateDir, "etcd-data"), clientPort: ports.etcd, peerPort: ports.etcdPeer }),
    );
    await timed(log, "etcd is healthy", () => etcd.ready(o.timeoutMs));

    const certDir = path.join(l.stateDir, "run", "apiserver-certs");
    const apiserver = l.record(startApiserver({ ...l.launch(bins["kube-apiserver"]), etcdPort: ports.etcd, port: ports.apiserver, pki, certDir }));
    await timed(log, "kube-apiserver is ready", () => apiserver.ready(o.timeoutMs));

    const controllerManager = l.record(
        startControllerManager({
            ...l.launch(bins["kube-controller-manager"]),
            kubeconfig: l.kubeconfigOf("controller-manager"),
            port: ports.controllerManager,
            pki,
        }),
    );
    const scheduler = l.record(
        startScheduler({ ...l.launch(bins["kube-scheduler"]), kubeconfig: l.kubeconfigOf("scheduler"), port: ports.scheduler, pki }),
    );
    const kwok = l.record(
        startKwok({
            ...l.launch(bins.kwok),
            kubeconfig: l.kubeconfigOf("kwok"),
            port: ports.kwok,
            stagesDir: o.stagesDir,
            podLifecycle: o.podLifecycle,
        }),
    );
    // The three start in parallel; wait for each, bounded.
    await Promise.all([controllerManager, scheduler, kwok].map((c) => timed(log, `${c.name} is healthy`, () => c.ready(o.timeoutMs))));
    return { etcd, apiserver, controllerManager, scheduler, kwok };
}
