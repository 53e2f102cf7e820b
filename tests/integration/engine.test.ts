/**
 * The real thing: the Pulumi CLI and engine, the Kubernetes provider, the policy pack and a
 * real API server (local control plane, kwok GPU nodes). What users run: `pulumi up` per stack,
 * `pulumi preview` in review, and both with `--policy-pack policy`.
 *
 * Objects are read back from the API server with kubectl, never from Pulumi's state.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ClusterInfo, ensureClusterToolchain, registerCleanup, startCluster, stopCluster } from "../../scripts/local-cluster";
import { PulumiWorkspace } from "../../scripts/pulumi-workspace";
import { REPO_ROOT, toolchainEnv } from "../../scripts/toolchain";

const POLICY_PACK = path.join(REPO_ROOT, "policy");
const NS = "vllm-dev";
const NAME = "vllm-server";

describe("@integration real engine on a local control plane", function () {
    // Cold toolchain builds are reported with progress by tools/ensure-toolchain.sh.
    this.timeout(90 * 60_000);
    const stateDir = path.join(REPO_ROOT, ".cache", "test-cluster");
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-pulumi-it-"));
    // Unique per run, so finding them in output is meaningful and never a leftover.
    const hfToken = `hf_it_${crypto.randomBytes(12).toString("hex")}`;
    const apiKey = `key-it-${crypto.randomBytes(16).toString("hex")}`;
    let cluster: ClusterInfo;
    let ws: PulumiWorkspace;
    const outputs: string[] = [];

    function kubectl(...args: string[]): string {
        return execFileSync(cluster.kubectl, args, { env: { ...process.env, ...cluster.env }, encoding: "utf8" });
    }
    function getJson(kind: string, name: string, ns = NS): any {
        return JSON.parse(kubectl("get", kind, name, "-n", ns, "-o", "json"));
    }
    function exists(kind: string, name: string, ns = NS): boolean {
        return kubectl("get", kind, "-n", ns, "--ignore-not-found", "-o", "name", name).trim() !== "";
    }
    async function pulumi(args: string[], expectOk = true) {
        const r = await ws.pulumi(args);
        outputs.push(r.stdout, r.stderr);
        if (expectOk && r.code !== 0) {
            throw new Error(`pulumi ${args.join(" ")} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
        }
        return r;
    }

    before(async function () {
        registerCleanup();
        const env = toolchainEnv(); // builds the Pulumi toolchain when missing
        const binDirs = ensureClusterToolchain({ binDirs: (env.PATH ?? "").split(path.delimiter) });
        cluster = await startCluster({ binDirs, stateDir, reuse: false });
        ws = new PulumiWorkspace({ dir: path.join(tmp, "repo"), kubeconfig: cluster.kubeconfig });
    });

    after(async function () {
        if (cluster && !cluster.reused) {
            await stopCluster({ stateDir });
        }
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("rejects invalid stack config at preview, naming the key, and creates nothing", async () => {
        await ws.selectStack("dev");
        const original = (await pulumi(["config", "get", "minReplicas"])).stdout.trim();
        await pulumi(["config", "set", "minReplicas", "3"]); // the dev stack has maxReplicas 2
        const r = await pulumi(["preview", "--policy-pack", POLICY_PACK], false);
        expect(r.code).to.not.equal(0);
        expect(r.stdout + r.stderr).to.match(/maxReplicas: must be >= minReplicas \(3\)/);
        expect(kubectl("get", "namespaces", "-o", "name")).to.not.contain(`namespace/${NS}`);
        await pulumi(["config", "set", "minReplicas", original]);
    });

    it("blocks a stack of raw bad resources at preview with --policy-pack, naming each policy", async () => {
        const bad = new PulumiWorkspace({ dir: path.join(tmp, "bad"), programDir: path.join(__dirname, "programs", "bad-stack"), kubeconfig: cluster.kubeconfig });
        await bad.selectStack("bad");
        const r = await bad.pulumi(["preview", "--policy-pack", POLICY_PACK]);
        const text = r.stdout + r.stderr;
        expect(r.code, text).to.not.equal(0);
        for (const policy of ["vllm-image-pinned", "vllm-tp-matches-gpus", "hpa-no-gpu-utilization"]) {
            expect(text).to.contain(policy);
        }
        const up = await bad.pulumi(["up", "--yes", "--policy-pack", POLICY_PACK]);
        expect(up.code).to.not.equal(0);
        for (const [kind, name] of [["deployment", "unpinned"], ["deployment", "tp-mismatch"], ["hpa", "gpu-util"]]) {
            expect(exists(kind, name, "default"), `${kind}/${name}`).to.equal(false);
        }
    });

    it("deploys the dev stack with the policy pack enforced; the API server holds the wired objects", async () => {
        await ws.selectStack("dev");
        await ws.setSecret("hfToken", hfToken);
        await ws.setSecret("apiKey", apiKey);
        await pulumi(["up", "--yes", "--skip-preview", "--policy-pack", POLICY_PACK]);

        const d = getJson("deployment", NAME);
        const ctr = d.spec.template.spec.containers[0];
        expect(ctr.image).to.equal("vllm/vllm-openai:v0.11.0");
        expect(ctr.args).to.include.members(["--model=Qwen/Qwen2.5-0.5B-Instruct", "--tensor-parallel-size=1", "--port=8000"]);
        expect(ctr.resources.limits["nvidia.com/gpu"]).to.equal("1");
        expect(ctr.startupProbe.httpGet.path).to.equal("/health");
        expect(d.spec.template.spec.volumes[0].emptyDir).to.deep.equal({ medium: "Memory", sizeLimit: "2Gi" });
        expect(d.status.availableReplicas, "rolled out on kwok GPU nodes").to.equal(1);

        const pods = JSON.parse(kubectl("get", "pods", "-n", NS, "-l", `app.kubernetes.io/instance=${NAME}`, "-o", "json")).items;
        expect(pods).to.have.length(1);
        expect(cluster.nodes).to.include(pods[0].spec.nodeName);

        const svc = getJson("service", NAME);
        expect(svc.spec.ports[0]).to.include({ name: "http", port: 8000 });
        const slices = JSON.parse(kubectl("get", "endpointslices", "-n", NS, "-l", `kubernetes.io/service-name=${NAME}`, "-o", "json")).items;
        const ready = slices.flatMap((s: any) => s.endpoints ?? []).filter((e: any) => e.conditions?.ready);
        expect(ready, "Service endpoints filled with the Ready pod").to.have.length(1);

        const sm = getJson("servicemonitor", NAME);
        expect(sm.spec.endpoints[0]).to.include({ port: "http", path: "/metrics", interval: "15s" });
        expect(sm.spec.selector.matchLabels).to.deep.equal(d.spec.selector.matchLabels);

        const hpa = getJson("hpa", NAME);
        expect(hpa.apiVersion).to.equal("autoscaling/v2");
        expect(hpa.spec.metrics[0].pods.metric.name).to.equal("vllm:num_requests_waiting");
        expect(hpa.spec.maxReplicas).to.equal(2);
        expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).to.equal(300);

        const token = getJson("secret", `${NAME}-hf-token`);
        expect(Buffer.from(token.data.token, "base64").toString()).to.equal(hfToken);
        const key = getJson("secret", `${NAME}-api-key`);
        expect(Buffer.from(key.data["api-key"], "base64").toString()).to.equal(apiKey);
        expect(ctr.env.map((e: any) => e.valueFrom.secretKeyRef.name)).to.include.members([`${NAME}-hf-token`, `${NAME}-api-key`]);
    });

    it("reports no changes on a second up (no perpetual diff)", async () => {
        const r = await pulumi(["up", "--yes", "--expect-no-changes", "--policy-pack", POLICY_PACK]);
        expect(r.code).to.equal(0);
    });

    it("updates only the HPA when maxReplicas changes, never replacing the Deployment", async () => {
        await pulumi(["config", "set", "maxReplicas", "3"]);
        const preview = await pulumi(["preview", "--json", "--policy-pack", POLICY_PACK]);
        const steps = (JSON.parse(preview.stdout).steps ?? []) as Array<{ op: string; urn: string }>;
        const changed = steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").slice(-2).join("::")}`);
        expect(changed).to.deep.equal([`update vllm:index:VllmService$kubernetes:autoscaling/v2:HorizontalPodAutoscaler::${NAME}`]);
        await pulumi(["up", "--yes", "--skip-preview", "--policy-pack", POLICY_PACK]);
        expect(getJson("hpa", NAME).spec.maxReplicas).to.equal(3);
    });

    it("keeps the HF token and API key out of state and CLI output", async () => {
        const state = await pulumi(["stack", "export"]);
        const key = await pulumi(["stack", "output", "apiKey"]);
        outputs.push(key.stdout);
        for (const text of [...outputs, state.stdout]) {
            expect(text).to.not.contain(hfToken);
            expect(text).to.not.contain(apiKey);
        }
        expect(state.stdout).to.contain("4dabf18193072939515e22adb298388d"); // secrets are there, encrypted
        const shown = await pulumi(["stack", "output", "apiKey", "--show-secrets"]);
        expect(shown.stdout.trim()).to.equal(apiKey);
    });

    it("previews the prod stack cleanly under the policy pack", async () => {
        await ws.selectStack("prod");
        // Supplied because the pulumi-random provider cannot be built here (tools/README.md).
        await ws.setSecret("apiKey", apiKey);
        const r = await pulumi(["preview", "--policy-pack", POLICY_PACK]);
        expect(r.stdout + r.stderr).to.not.match(/mandatory|advisory/i);
        await ws.selectStack("dev");
    });

    it("destroys everything; the API server holds none of the stack's objects", async () => {
        await ws.selectStack("dev");
        await pulumi(["destroy", "--yes", "--skip-preview"]);
        for (const [kind, name] of [["deployment", NAME], ["service", NAME], ["servicemonitor", NAME], ["hpa", NAME],
            ["secret", `${NAME}-hf-token`], ["secret", `${NAME}-api-key`]]) {
            expect(exists(kind, name), `${kind}/${name}`).to.equal(false);
        }
        expect(kubectl("get", "namespaces", "-o", "name")).to.not.contain(`namespace/${NS}`);
    });
});
