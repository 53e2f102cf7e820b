/** The control plane's processes in dependency order: etcd, the API server, then its three clients together. */
import * as path from "path";
import { Startup } from "../components";
import { apiserverComponent } from "./apiserver";
import { Component } from "./component";
import { controllerManagerComponent } from "./controllerManager";
import { etcdComponent } from "./etcd";
import { PodLifecycle, kwokComponent } from "./kwok";
import { ClusterLayout } from "./layout";
import { schedulerComponent } from "./scheduler";

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

/** The components, not started, in the order they must start. */
export function controlPlaneComponents(l: ClusterLayout, o: ControlPlaneOptions): ControlPlane {
    const { bins } = l.state;
    const { pki, ports } = l;
    const launch = (bin: string) => ({ ...l.launch(bin), readyTimeoutMs: o.timeoutMs });
    return {
        etcd: etcdComponent({ ...launch(bins.etcd), dataDir: path.join(l.stateDir, "etcd-data"), clientPort: ports.etcd, peerPort: ports.etcdPeer }),
        apiserver: apiserverComponent({
            ...launch(bins["kube-apiserver"]),
            etcdPort: ports.etcd,
            port: ports.apiserver,
            pki,
            certDir: path.join(l.stateDir, "run", "apiserver-certs"),
        }),
        controllerManager: controllerManagerComponent({
            ...launch(bins["kube-controller-manager"]),
            kubeconfig: l.kubeconfigOf("controller-manager"),
            port: ports.controllerManager,
            pki,
        }),
        scheduler: schedulerComponent({ ...launch(bins["kube-scheduler"]), kubeconfig: l.kubeconfigOf("scheduler"), port: ports.scheduler, pki }),
        kwok: kwokComponent({
            ...launch(bins.kwok),
            kubeconfig: l.kubeconfigOf("kwok"),
            port: ports.kwok,
            stagesDir: o.stagesDir,
            podLifecycle: o.podLifecycle,
        }),
    };
}

/** Starts and waits for each process, recorded in the state file as soon as it runs; the startup rolls back on failure. */
export async function startControlPlane(l: ClusterLayout, o: ControlPlaneOptions, startup: Startup): Promise<ControlPlane> {
    const cp = controlPlaneComponents(l, o);
    await startup.start(cp.etcd);
    await startup.start(cp.apiserver);
    await startup.start([cp.controllerManager, cp.scheduler, cp.kwok]);
    return cp;
}
