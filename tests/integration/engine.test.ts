/**
 * The real thing: the Pulumi CLI and engine driven through the Automation API (LocalWorkspace,
 * Stack.preview/up/refresh/destroy with the policy pack), the Kubernetes provider and a real API
 * server (local control plane, kwok GPU nodes). What users run: `pulumi up` per stack, `pulumi
 * preview` in review, and both with the pack.
 *
 * Objects are read back from the API server with @kubernetes/client-node, never from Pulumi's state.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ClusterInfo, ensureClusterToolchain, registerCleanup, startCluster, stopCluster } from "../../env/cluster";
import { PulumiWorkspace } from "../../scripts/pulumi-workspace";
import { REPO_ROOT, toolchainEnv } from "../../scripts/toolchain";
import { Kube, kubeClients } from "../support/kube";

const NS = "vllm-dev";
const NAME = "vllm-server";

/** The object, or undefined when the API server answers 404. */
async function found<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
        return await read();
    } catch (e) {
        if ((e as { code?: number }).code === 404) {
            return undefined;
        }
        throw e;
    }
}

describe("@integration real engine on a local control plane", function () {
    // Cold toolchain builds are reported with progress by tools/ensure-toolchain.sh.
    this.timeout(90 * 60_000);
    const stateDir = path.join(REPO_ROOT, ".cache", "test-cluster");
    let tmp: string; // made in before(): mocha loads this file even when --grep skips the suite
    // Unique per run, so finding them in output is meaningful and never a leftover.
    const hfToken = `hf_it_${crypto.randomBytes(12).toString("hex")}`;
    const apiKey = `key-it-${crypto.randomBytes(16).toString("hex")}`;
    let cluster: ClusterInfo;
    let kube: Kube;
    let ws: PulumiWorkspace;
    /** Everything the CLI printed, to check that no secret ever shows. */
    const printed: string[] = [];

    async function namespaces(): Promise<string[]> {
        return (await kube.core.listNamespace()).items.map((n) => n.metadata?.name ?? "");
    }

    before(async function () {
        registerCleanup();
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-pulumi-it-"));
        const env = toolchainEnv(); // builds the Pulumi toolchain when missing
        const binDirs = ensureClusterToolchain({ binDirs: (env.PATH ?? "").split(path.delimiter) });
        cluster = await startCluster({ binDirs, stateDir, reuse: false });
        kube = kubeClients(cluster.kubeconfig, cluster.kubectl);
        ws = new PulumiWorkspace({ dir: path.join(tmp, "repo"), kubeconfig: cluster.kubeconfig });
    });

    after(async function () {
        if (cluster && !cluster.reused) {
            await stopCluster({ stateDir });
        }
        if (tmp) {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("rejects invalid stack config at preview, naming the key, and creates nothing", async () => {
        await ws.selectStack("dev");
        const original = (await ws.getConfig("minReplicas"))?.value ?? "1";
        await ws.setConfig("minReplicas", "3"); // the dev stack has maxReplicas 2
        const r = await ws.previewOutcome({ policyPack: true });
        expect(r.ok).to.equal(false);
        expect(r.error).to.match(/maxReplicas: must be >= minReplicas \(3\)/);
        expect(await namespaces()).to.not.include(NS);
        await ws.setConfig("minReplicas", original);
    });

    it("blocks a stack of raw bad resources at preview with the pack, naming each mandatory policy", async () => {
        const bad = new PulumiWorkspace({ dir: path.join(tmp, "bad"), programDir: path.join(__dirname, "programs", "bad-stack"), kubeconfig: cluster.kubeconfig });
        await bad.selectStack("bad");
        const r = await bad.previewOutcome({ policyPack: true });
        expect(r.ok, r.error).to.equal(false);
        const mandatory = r.events.filter((e) => e.policyEvent?.enforcementLevel === "mandatory").map((e) => e.policyEvent!.policyName);
        expect(mandatory).to.include.members(["vllm-image-pinned", "vllm-tp-matches-gpus", "hpa-no-gpu-utilization"]);
        const up = await bad.up({ policyPack: true }).then(() => "succeeded", (e: Error) => e.message);
        expect(up).to.match(/mandatory|policy/i);
        expect(await found(() => kube.apps.readNamespacedDeployment({ name: "unpinned", namespace: "default" }))).to.equal(undefined);
        expect(await found(() => kube.apps.readNamespacedDeployment({ name: "tp-mismatch", namespace: "default" }))).to.equal(undefined);
        expect(await found(() => kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: "gpu-util", namespace: "default" }))).to.equal(undefined);
    });

    it("deploys the dev stack with the policy pack enforced; the API server holds the wired objects", async () => {
        await ws.selectStack("dev");
        await ws.setSecret("hfToken", hfToken);
        await ws.setSecret("apiKey", apiKey);
        const up = await ws.up({ policyPack: true });
        printed.push(up.stdout, up.stderr);
        expect(up.summary.result).to.equal("succeeded");

        const d = await kube.apps.readNamespacedDeployment({ name: NAME, namespace: NS });
        const pod = d.spec!.template.spec!;
        const ctr = pod.containers[0];
        expect(ctr.image).to.equal("vllm/vllm-openai:v0.11.0");
        expect(ctr.args).to.include.members(["--model=Qwen/Qwen2.5-0.5B-Instruct", "--tensor-parallel-size=1", "--port=8000"]);
        expect(ctr.resources?.limits?.["nvidia.com/gpu"]).to.equal("1");
        expect(ctr.startupProbe?.httpGet?.path).to.equal("/health");
        expect(pod.volumes?.find((v) => v.emptyDir?.medium === "Memory")?.emptyDir).to.deep.equal({ medium: "Memory", sizeLimit: "2Gi" });
        expect(d.status?.availableReplicas, "rolled out on kwok GPU nodes").to.equal(1);

        const pods = (await kube.core.listNamespacedPod({ namespace: NS, labelSelector: `app.kubernetes.io/instance=${NAME}` })).items;
        expect(pods).to.have.length(1);
        expect(cluster.nodes).to.include(pods[0].spec?.nodeName);

        const svc = await kube.core.readNamespacedService({ name: NAME, namespace: NS });
        expect(svc.spec?.ports?.[0]).to.include({ name: "http", port: 8000 });
        const slices = (await kube.discovery.listNamespacedEndpointSlice({ namespace: NS, labelSelector: `kubernetes.io/service-name=${NAME}` })).items;
        const ready = slices.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready);
        expect(ready, "Service endpoints filled with the Ready pod").to.have.length(1);

        const sm = await kube.custom.getNamespacedCustomObject({ group: "monitoring.coreos.com", version: "v1", namespace: NS, plural: "servicemonitors", name: NAME }) as any;
        expect(sm.spec.endpoints[0]).to.include({ port: "http", path: "/metrics", interval: "15s" });
        expect(sm.spec.selector.matchLabels).to.deep.equal(d.spec?.selector.matchLabels);

        const hpa = await kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: NAME, namespace: NS });
        expect(hpa.spec?.metrics?.[0].pods?.metric.name).to.equal("vllm:num_requests_waiting");
        expect(hpa.spec?.maxReplicas).to.equal(2);
        expect(hpa.spec?.behavior?.scaleDown?.stabilizationWindowSeconds).to.equal(300);

        const token = await kube.core.readNamespacedSecret({ name: `${NAME}-hf-token`, namespace: NS });
        expect(Buffer.from(token.data!.token, "base64").toString()).to.equal(hfToken);
        const key = await kube.core.readNamespacedSecret({ name: `${NAME}-api-key`, namespace: NS });
        expect(Buffer.from(key.data!["api-key"], "base64").toString()).to.equal(apiKey);
        expect(ctr.env?.map((e) => e.valueFrom?.secretKeyRef?.name)).to.include.members([`${NAME}-hf-token`, `${NAME}-api-key`]);
    });

    it("refreshes from the live objects, then reports no changes on a second up (no perpetual diff)", async () => {
        const refresh = await ws.refresh();
        printed.push(refresh.stdout, refresh.stderr);
        const up = await ws.up({ policyPack: true, expectNoChanges: true });
        printed.push(up.stdout, up.stderr);
        expect(Object.keys(up.summary.resourceChanges ?? {})).to.deep.equal(["same"]);
    });

    it("updates only the HPA when maxReplicas changes, never replacing the Deployment", async () => {
        await ws.setConfig("maxReplicas", "3");
        const steps: string[] = [];
        const onEvent = (e: EngineEvent) => {
            const m = e.resourcePreEvent?.metadata;
            if (m && m.op !== "same") {
                steps.push(`${m.op} ${m.urn.split("::").slice(-2).join("::")}`);
            }
        };
        await ws.preview({ policyPack: true, onEvent });
        expect(steps).to.deep.equal([`update vllm:index:VllmService$kubernetes:autoscaling/v2:HorizontalPodAutoscaler::${NAME}`]);
        const up = await ws.up({ policyPack: true });
        printed.push(up.stdout, up.stderr);
        expect((await kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: NAME, namespace: NS })).spec?.maxReplicas).to.equal(3);
    });

    it("keeps the HF token and API key out of state and CLI output", async () => {
        // The CLI's export, not Stack.exportStack(): the Automation API exports with --show-secrets.
        const state = (await ws.must(["stack", "export"])).stdout;
        const shown = await ws.pulumi(["stack", "output", "apiKey"]);
        for (const text of [...printed, state, shown.stdout, shown.stderr]) {
            expect(text).to.not.contain(hfToken);
            expect(text).to.not.contain(apiKey);
        }
        expect(state).to.contain("4dabf18193072939515e22adb298388d"); // secrets are there, encrypted
        const outputs = await ws.outputs(); // the Automation API decrypts, and says it is a secret
        expect(outputs.apiKey).to.deep.equal({ value: apiKey, secret: true });
    });

    it("previews the prod stack cleanly under the policy pack and its prod config", async () => {
        await ws.selectStack("prod");
        // Supplied because the pulumi-random provider cannot be built here (tools/README.md).
        await ws.setSecret("apiKey", apiKey);
        const r = await ws.previewOutcome({ policyPack: true });
        expect(r.ok, r.error).to.equal(true);
        expect(r.events.filter((e) => e.policyEvent).map((e) => e.policyEvent!.policyName)).to.deep.equal([]);
    });

    it("destroys everything; the API server holds none of the stack's objects", async () => {
        await ws.selectStack("dev");
        const destroy = await ws.destroy();
        printed.push(destroy.stdout, destroy.stderr);
        expect(await found(() => kube.apps.readNamespacedDeployment({ name: NAME, namespace: NS }))).to.equal(undefined);
        expect(await found(() => kube.core.readNamespacedService({ name: NAME, namespace: NS }))).to.equal(undefined);
        expect(await found(() => kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: NAME, namespace: NS }))).to.equal(undefined);
        expect(await found(() => kube.core.readNamespacedSecret({ name: `${NAME}-api-key`, namespace: NS }))).to.equal(undefined);
        expect(await found(() => kube.custom.getNamespacedCustomObject({ group: "monitoring.coreos.com", version: "v1", namespace: NS, plural: "servicemonitors", name: NAME }))).to.equal(undefined);
        const gone = await found(() => kube.core.readNamespace({ name: NS }));
        expect(gone === undefined || gone.status?.phase === "Terminating", "namespace deleted").to.equal(true);
    });
});
