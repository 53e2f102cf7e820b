/**
 * The canary's objects on a real API server with the real Deployment, ReplicaSet and EndpointSlice
 * controllers (kwok nodes mark pods Running/Ready; no simulators, no Pulumi): the Service routes to
 * the stable and the canary pods, each Deployment keeps exactly its own pods although the stable
 * selector (immutable, older than the track label) also matches the canary's, and deleting the
 * canary leaves the stable pods alone.
 */
import { expect } from "chai";
import * as path from "path";
import { canaryDeploymentArgs } from "../../components/manifests/canaryDeployment";
import { deploymentArgs } from "../../components/manifests/deployment";
import { serviceArgs } from "../../components/manifests/service";
import { TRACK_LABEL } from "../../components/canary";
import { validateArgs } from "../../components/validate";
import { clusterStatus, ClusterInfo, ensureClusterToolchain, registerCleanup, startCluster, stopCluster } from "../../env/cluster";
import { REPO_ROOT } from "../../scripts/toolchain";
import { eventually, Kube, kubeClients } from "../support/kube";

const STATE_DIR = path.join(REPO_ROOT, ".cache", "test-canary-objects");
const NS = "canary-objects";

/** A rendered object as the API server takes it (the builders return Pulumi inputs that are plain values here). */
const plain = (o: object) => JSON.parse(JSON.stringify(o));

describe("@integration canary objects on the API server: routed by the Service, owned apart", function () {
    this.timeout(5 * 60_000);
    let cluster: ClusterInfo;
    let kube: Kube;
    const m = validateArgs("vllm-server", {
        model: "Qwen/Qwen2.5-0.5B-Instruct", modelRevision: "7ae557604adf67be50417f59c2c2f167def9a775", namespace: NS,
        autoscalingEnabled: false, replicas: 2, canaryImage: "vllm/vllm-openai:v0.11.1", apiKeyEnabled: false,
    });

    before(async function () {
        this.timeout(90 * 60_000);
        const binDirs = ensureClusterToolchain();
        registerCleanup();
        cluster = await startCluster({ binDirs, stateDir: STATE_DIR, reuse: false, timeoutMs: 60_000 });
        kube = kubeClients(cluster.kubeconfig, cluster.kubectl);
        kube.apply([
            { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } },
            { apiVersion: "apps/v1", kind: "Deployment", ...plain(deploymentArgs(m)) },
            { apiVersion: "apps/v1", kind: "Deployment", ...plain(canaryDeploymentArgs(m, m.canary!)) },
            { apiVersion: "v1", kind: "Service", ...plain(serviceArgs(m)) },
        ]);
    });

    after(async function () {
        this.timeout(60_000);
        if ((await clusterStatus({ stateDir: STATE_DIR })).components.length > 0) await stopCluster({ stateDir: STATE_DIR });
    });

    async function podsByTrack(): Promise<Record<string, string[]>> {
        const pods = (await kube.core.listNamespacedPod({ namespace: NS })).items.filter((p) => !p.metadata?.deletionTimestamp);
        const out: Record<string, string[]> = {};
        for (const p of pods) (out[p.metadata!.labels![TRACK_LABEL]] ??= []).push(p.status?.podIP ?? "");
        return out;
    }
    async function readyAddresses(): Promise<string[]> {
        const slices = await kube.discovery.listNamespacedEndpointSlice({ namespace: NS, labelSelector: `kubernetes.io/service-name=${m.name}` });
        return slices.items.flatMap((s) => s.endpoints.filter((e) => e.conditions?.ready).flatMap((e) => e.addresses)).sort();
    }

    it("the Service's endpoints are the 2 stable pods and the canary pod", async () => {
        const tracks = await eventually("2 stable + 1 canary pods with IPs", async () => {
            const t = await podsByTrack();
            return t.stable?.length === 2 && t.canary?.length === 1 && [...t.stable, ...t.canary].every((ip) => ip) ? t : undefined;
        }, 60_000);
        const want = [...tracks.stable, ...tracks.canary].sort();
        await eventually("the EndpointSlice to list all three", async () => ((await readyAddresses()).join() === want.join() ? true : undefined), 60_000);
    });

    it("each Deployment keeps exactly its own replicas (the stable one does not count or adopt the canary pod)", async () => {
        await new Promise((r) => setTimeout(r, 5000));
        const stable = await kube.apps.readNamespacedDeployment({ name: m.name, namespace: NS });
        const canary = await kube.apps.readNamespacedDeployment({ name: m.canary!.name, namespace: NS });
        expect([stable.status?.replicas, canary.status?.replicas]).to.deep.equal([2, 1]);
        const tracks = await podsByTrack();
        expect([tracks.stable.length, tracks.canary.length]).to.deep.equal([2, 1]);
    });

    it("deleting the canary Deployment removes its pod from the endpoints and leaves the stable pods", async () => {
        const before = (await podsByTrack()).stable.sort();
        kube.kubectl(["-n", NS, "delete", "deployment", m.canary!.name, "--wait=true"]);
        await eventually("the canary pod gone from the endpoints", async () => ((await readyAddresses()).join() === before.join() ? true : undefined), 60_000);
        expect((await podsByTrack()).stable.sort()).to.deep.equal(before);
    });
});
