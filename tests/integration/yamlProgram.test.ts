/**
 * The component from another language, for real: examples/yaml is a Pulumi YAML program that uses
 * VllmService as a source-based component package (`packages: vllm: ../../components`). The real
 * engine runs it with the YAML language host built from pulumi-yaml (tools/pulumi-yaml), starts the
 * component through our Node.js language host, enforces the policy pack, and creates the objects on
 * the local control plane. Objects are read back from the API server, never from Pulumi's state.
 */
import * as k8s from "@kubernetes/client-node";
import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { ClusterInfo, ensureClusterToolchain, registerCleanup, startCluster, stopCluster } from "../../env/cluster";
import { PulumiWorkspace, RunResult } from "../../scripts/pulumi-workspace";
import { REPO_ROOT, toolchainEnv } from "../../scripts/toolchain";

const EXAMPLE_DIR = path.join(REPO_ROOT, "examples", "yaml");
const POLICY_PACK = path.join(REPO_ROOT, "policy");
const NS = "vllm-yaml";
const NAME = "vllm-yaml";

type Properties = Record<string, unknown>;

/**
 * A workspace holding a copy of examples/yaml (optionally with some of the VllmService
 * properties changed) where `../../components` leads to the repo's component, as in the repo.
 */
function yamlWorkspace(dir: string, kubeconfig: string, change: Properties = {}): PulumiWorkspace {
    const programDir = path.join(dir, "source");
    fs.mkdirSync(programDir, { recursive: true });
    const doc = YAML.parseDocument(fs.readFileSync(path.join(EXAMPLE_DIR, "Pulumi.yaml"), "utf8"));
    for (const [key, value] of Object.entries(change)) {
        doc.setIn(["resources", "llm", "properties", key], value);
    }
    fs.writeFileSync(path.join(programDir, "Pulumi.yaml"), doc.toString());
    const ws = new PulumiWorkspace({ dir: path.join(dir, "ws"), programDir, kubeconfig });
    const declared = YAML.parse(fs.readFileSync(path.join(ws.projectDir, "Pulumi.yaml"), "utf8")).packages.vllm;
    const link = path.resolve(ws.projectDir, declared);
    // The repo's node_modules goes beside the link, as in the repo: the schema is derived by
    // TypeScript, which resolves @pulumi/pulumi upwards from the link's path, not its target's.
    for (const [name, target] of [[link, "components"], [path.join(path.dirname(link), "node_modules"), "node_modules"]]) {
        if (!fs.existsSync(name)) {
            fs.mkdirSync(path.dirname(name), { recursive: true });
            fs.symlinkSync(path.join(REPO_ROOT, target), name);
        }
    }
    return ws;
}

describe("@integration the VllmService component from Pulumi YAML (examples/yaml)", function () {
    this.timeout(90 * 60_000);
    const stateDir = path.join(REPO_ROOT, ".cache", "test-cluster-yaml");
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-pulumi-yaml-"));
    // Unique per run, so finding it in output is meaningful and never a leftover.
    const apiKey = `key-yaml-${crypto.randomBytes(16).toString("hex")}`;
    let cluster: ClusterInfo;
    let ws: PulumiWorkspace;
    let objects: k8s.KubernetesObjectApi;
    const outputs: string[] = [];

    async function pulumi(w: PulumiWorkspace, args: string[], expectOk = true): Promise<RunResult> {
        const r = await w.pulumi(args);
        outputs.push(r.stdout, r.stderr);
        if (expectOk && r.code !== 0) {
            throw new Error(`pulumi ${args.join(" ")} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
        }
        return r;
    }
    /** The object as the API server has it, or undefined when it does not exist. */
    async function read(apiVersion: string, kind: string, name: string, namespace?: string): Promise<any> {
        try {
            return await objects.read({ apiVersion, kind, metadata: { name, namespace } });
        } catch (e) {
            if ((e as { code?: number }).code === 404) {
                return undefined;
            }
            throw e;
        }
    }

    before(async function () {
        registerCleanup();
        const env = toolchainEnv(); // builds the toolchain (with pulumi-language-yaml) when missing
        const binDirs = ensureClusterToolchain({ binDirs: (env.PATH ?? "").split(path.delimiter) });
        cluster = await startCluster({ binDirs, stateDir, reuse: false });
        const kc = new k8s.KubeConfig();
        kc.loadFromFile(cluster.kubeconfig);
        objects = k8s.KubernetesObjectApi.makeApiClient(kc);
        ws = yamlWorkspace(path.join(tmp, "example"), cluster.kubeconfig);
        await ws.selectStack("dev");
        await ws.setSecret("apiKey", apiKey);
    });

    after(async function () {
        if (cluster && !cluster.reused) {
            await stopCluster({ stateDir });
        }
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    async function previewFails(dir: string, change: Properties): Promise<string> {
        const bad = yamlWorkspace(path.join(tmp, dir), cluster.kubeconfig, change);
        await bad.selectStack("dev");
        await bad.setSecret("apiKey", apiKey);
        const r = await pulumi(bad, ["preview", "--policy-pack", POLICY_PACK], false);
        expect(r.code, r.stdout + r.stderr).to.not.equal(0);
        expect(await read("v1", "Namespace", NS), "namespace created by a failed preview").to.equal(undefined);
        return r.stdout + r.stderr;
    }

    it("rejects a string where the component's schema has a number, naming the key and line, creating nothing", async () => {
        // Checked by the YAML host against the schema the component package derives from VllmServiceArgs.
        const text = await previewFails("bad-type", { tensorParallelSize: "two" });
        expect(text).to.match(/tensorParallelSize: Cannot assign type 'string' to type 'number'/);
        expect(text).to.match(/on Pulumi\.yaml line \d+/);
    });

    it("rejects a non-integer count at preview with the component's message naming the key, creating nothing", async () => {
        const text = await previewFails("bad-integer", { maxReplicas: 2.5 });
        expect(text).to.contain(`invalid VllmService "llm"`);
        expect(text).to.match(/maxReplicas: must be an integer, got 2\.5/);
    });

    it("deploys with the policy pack enforced; the API server holds the component's objects", async () => {
        const up = await pulumi(ws, ["up", "--yes", "--policy-pack", POLICY_PACK]);
        expect(up.stdout).to.match(/vllm:index:VllmService/);

        const d = await read("apps/v1", "Deployment", NAME, NS);
        const ctr = d.spec.template.spec.containers[0];
        expect(ctr.image).to.equal("vllm/vllm-openai:v0.11.0");
        expect(ctr.args).to.include.members(["--model=Qwen/Qwen2.5-0.5B-Instruct", "--tensor-parallel-size=1", "--max-model-len=4096"]);
        expect(ctr.resources.limits["nvidia.com/gpu"]).to.equal("1");
        expect(d.status.availableReplicas, "rolled out on kwok GPU nodes").to.equal(1);

        const svc = await read("v1", "Service", NAME, NS);
        expect(svc.spec.ports[0]).to.include({ name: "http", port: 8000 });
        const hpa = await read("autoscaling/v2", "HorizontalPodAutoscaler", NAME, NS);
        expect(hpa.spec.maxReplicas).to.equal(2);
        expect(hpa.spec.metrics[0].pods.metric.name).to.equal("vllm:num_requests_waiting");
        const sm = await read("monitoring.coreos.com/v1", "ServiceMonitor", NAME, NS);
        expect(sm.spec.selector.matchLabels).to.deep.equal(d.spec.selector.matchLabels);
        const key = await read("v1", "Secret", `${NAME}-api-key`, NS);
        expect(Buffer.from(key.data["api-key"], "base64").toString()).to.equal(apiKey);

        const url = await pulumi(ws, ["stack", "output", "url"]);
        expect(url.stdout.trim()).to.equal(`http://${NAME}.${NS}.svc.cluster.local:8000/v1`);
    });

    it("keeps the API key out of state and CLI output", async () => {
        const state = await pulumi(ws, ["stack", "export"]);
        for (const text of [...outputs, state.stdout]) {
            expect(text).to.not.contain(apiKey);
        }
        const shown = await ws.pulumi(["stack", "output", "apiKey", "--show-secrets"]); // not kept in outputs
        expect(shown.stdout.trim()).to.equal(apiKey);
    });

    it("destroys everything; the API server holds none of the objects", async () => {
        await pulumi(ws, ["destroy", "--yes", "--skip-preview"]);
        for (const [apiVersion, kind, name] of [["apps/v1", "Deployment", NAME], ["v1", "Service", NAME],
            ["autoscaling/v2", "HorizontalPodAutoscaler", NAME], ["v1", "Secret", `${NAME}-api-key`]]) {
            expect(await read(apiVersion, kind, name, NS), `${kind}/${name}`).to.equal(undefined);
        }
        // Namespace deletion is asynchronous (finalizers): gone or terminating.
        const ns = await read("v1", "Namespace", NS);
        expect(ns === undefined || ns.status?.phase === "Terminating", JSON.stringify(ns?.status)).to.equal(true);
    });
});
