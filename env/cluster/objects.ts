/**
 * The objects a fresh cluster starts with: the fake GPU nodes (Ready through kwok), the CRDs
 * (Established), and the `default` ServiceAccount pods need (made by the controller-manager).
 */
import { ControlPlane } from "./controlPlane";
import { applyCrds, selectCrdFiles, waitEstablished } from "./crds";
import { adminTls, answers200, httpGet } from "../http";
import { Kubectl, kubectlFor } from "./kubectl";
import { ClusterLayout } from "./layout";
import { Log, timed } from "./log";
import { FakeNodeGroup, nodeManifest, nodesSchedulable } from "./nodes";
import { waitUntil } from "../process";

export interface ObjectsOptions {
    nodeGroups: FakeNodeGroup[];
    crds?: "all" | string[];
    timeoutMs: number;
}

/** Applies the CRDs (server-side), returning at once; the caller awaits the result. */
function startApplyingCrds(kubectl: Kubectl, crdDir: string | undefined, files: string[], log: Log): Promise<void> {
    if (!crdDir) return Promise.resolve();
    const applied = timed(log, `applied ${files.length} CRDs from ${crdDir} (server-side)`, () => applyCrds(kubectl, files));
    applied.catch(() => undefined); // awaited later; not an unhandled rejection if an earlier wait fails first
    return applied;
}

export async function createObjects(l: ClusterLayout, cp: ControlPlane, o: ObjectsOptions, log: Log): Promise<void> {
    const { state } = l;
    const kubectl = kubectlFor(state.bins.kubectl, state.kubeconfig, o.timeoutMs);
    const tls = adminTls(l.pki);

    // Fake GPU nodes (created with their status: capacity/allocatable incl. nvidia.com/gpu).
    const nodes = nodeManifest(o.nodeGroups);
    state.nodes = nodes.names;
    l.save();
    await timed(log, `created ${nodes.names.length} fake GPU nodes`, () => kubectl(["create", "-f", "-"], nodes.yaml));

    // The API server installs the CRDs while kwok makes the nodes Ready.
    const crdFiles = state.crdDir ? selectCrdFiles(state.crdDir, o.crds) : [];
    const crdsApplied = startApplyingCrds(kubectl, state.crdDir, crdFiles, log);
    await timed(log, "nodes are Ready and schedulable", () =>
        waitUntil(`nodes ${nodes.names.join(", ")} Ready without taints`, async () => nodesSchedulable(await httpGet(`${state.server}/api/v1/nodes`, tls), nodes.names), {
            timeoutMs: o.timeoutMs,
            process: cp.kwok.process,
            intervalMs: 500,
        }),
    );
    await crdsApplied;
    if (state.crdDir) await timed(log, "CRDs are Established", () => waitEstablished(kubectl, crdFiles, o.timeoutMs));

    // Pods need the namespace's `default` ServiceAccount (ServiceAccount admission).
    await timed(log, "default/default ServiceAccount exists", () =>
        waitUntil("the default ServiceAccount in namespace default", () => answers200(`${state.server}/api/v1/namespaces/default/serviceaccounts/default`, tls), {
            timeoutMs: o.timeoutMs,
            process: cp.controllerManager.process,
            intervalMs: 300,
        }),
    );
}
