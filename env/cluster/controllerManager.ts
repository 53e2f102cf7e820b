/** kube-controller-manager: every default controller (Deployment, ReplicaSet, Endpoints, HPA, GC, ...). */
import { Component, Launch, clusterComponent } from "./component";
import { ControlLoopOptions, controlLoopFlags, healthz } from "./controlLoop";
import { SERVICE_CIDR } from "./network";

export type ControllerManagerOptions = Launch & ControlLoopOptions;

export function controllerManagerArgs(o: ControllerManagerOptions): string[] {
    const pki = o.pki;
    return [
        ...controlLoopFlags("controller-manager", o),
        // One identity for all controllers instead of one ServiceAccount token per controller:
        // minting ~40 tokens at startup delays the controllers by ~10s on 2 cores. The RBAC of
        // Kubernetes' own controllers is not what this cluster is for.
        "--use-service-account-credentials=false",
        `--service-account-private-key-file=${pki.saKey}`,
        `--root-ca-file=${pki.caCrt}`,
        `--cluster-signing-cert-file=${pki.caCrt}`,
        `--cluster-signing-key-file=${pki.caKey}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        // All default controllers: deployment, replicaset, endpoints, endpointslice,
        // horizontalpodautoscaling, namespace, garbage-collector, serviceaccount(-token), nodelifecycle, ...
        "--controllers=*",
    ];
}

export function controllerManagerComponent(o: ControllerManagerOptions): Component {
    return clusterComponent("kube-controller-manager", controllerManagerArgs(o), o, healthz("kube-controller-manager", o));
}
