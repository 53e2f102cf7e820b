/**
 * The component's objects against a real API server (local control plane, kwok nodes): the
 * NetworkPolicy as the server stores it, a fast-check sample of valid args whose every object the
 * server accepts (server-side dry-run), and, for each kind of value the validation refuses, the
 * server refusing it too, so the component's rules mirror the server's instead of guessing.
 *
 * kwok simulates nodes and there is no CNI: the NetworkPolicy is stored and validated, not enforced.
 */
import { expect } from "chai";
import { execFile } from "child_process";
import fc from "fast-check";
import * as path from "path";
import { VllmServiceArgs } from "../../components/args";
import { VllmService } from "../../components/vllmService";
import { ClusterInfo, clusterStatus, ensureClusterToolchain, registerCleanup, startCluster, stopCluster } from "../../env/cluster";
import { REPO_ROOT } from "../../env/repo";
import { validArgs } from "../component/argsArbitrary";
import { runWithMocks } from "../support/pulumiMocks";

const STATE_DIR = path.join(REPO_ROOT, ".cache", "cluster-itest-vllm-objects");
const BASE: VllmServiceArgs = { model: "Qwen/Qwen2.5-0.5B-Instruct", modelRevision: "7ae557604adf67be50417f59c2c2f167def9a775" };

/** Pulumi's marker for a secret value in serialized inputs (sdk/nodejs/runtime/rpc.ts). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** A serialized input with every secret wrapper replaced by its plain value. */
function plain(v: any): any {
    if (Array.isArray(v)) return v.map(plain);
    if (v && typeof v === "object") {
        if (SIG_KEY in v) return plain(v.value);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    }
    return v;
}

/** The Kubernetes objects VllmService sends for `args`, as manifests (the RandomPassword is not one). */
async function manifestsOf(args: VllmServiceArgs): Promise<any[]> {
    const { captured } = await runWithMocks(() => new VllmService("vllm-server", args));
    return captured.resources
        .filter((r) => r.type.startsWith("kubernetes:"))
        .map((r) => {
            const [, group, kind] = r.type.split(":");
            const apiVersion = group.startsWith("core/") ? group.slice("core/".length) : group;
            return { apiVersion, kind, ...plain(r.inputs) };
        });
}

describe("VllmService objects on the local API server @integration", function () {
    this.timeout(10 * 60_000);
    let cluster: ClusterInfo | undefined;

    const kubectl = (args: string[], input?: string): Promise<{ code: number; out: string }> =>
        new Promise((resolve) => {
            const child = execFile(cluster!.kubectl, [`--kubeconfig=${cluster!.kubeconfig}`, ...args],
                { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
                (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, out: stdout + stderr }));
            if (input !== undefined) child.stdin?.end(input);
        });
    const mustKubectl = async (args: string[], input?: string): Promise<string> => {
        const r = await kubectl(args, input);
        if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed:\n${r.out}`);
        return r.out;
    };
    /** Server-side apply, dry-run: admission and validation run, nothing is stored. */
    const dryRun = (objects: any[]) =>
        kubectl(["apply", "--server-side", "--dry-run=server", "--field-manager=itest", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));

    before(async function () {
        this.timeout(90 * 60_000); // a cold toolchain build
        const binDirs = ensureClusterToolchain();
        registerCleanup();
        cluster = await startCluster({ binDirs, stateDir: STATE_DIR, reuse: false, timeoutMs: 60_000 });
    });

    after(async function () {
        this.timeout(60_000);
        if ((await clusterStatus({ stateDir: STATE_DIR })).components.length > 0) await stopCluster({ stateDir: STATE_DIR });
    });

    it("stores the NetworkPolicy as rendered: ingress on TCP 8000 from the named peers only", async () => {
        const objects = await manifestsOf({ ...BASE, namespace: "np-test", createNamespace: true, allowedNamespaces: ["gateway"], allowedPodSelectors: [{ app: "chat-ui" }] });
        const ns = objects.find((o) => o.kind === "Namespace");
        const np = objects.find((o) => o.kind === "NetworkPolicy");
        await mustKubectl(["apply", "--server-side", "--field-manager=itest", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [ns, np] }));
        const stored = JSON.parse(await mustKubectl(["get", "networkpolicy", "vllm-server", "-n", "np-test", "-o", "json"]));
        expect(stored.spec).to.deep.equal({
            podSelector: { matchLabels: { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": "vllm-server" } },
            policyTypes: ["Ingress"],
            ingress: [{
                from: [
                    { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateway" } } },
                    { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
                    { podSelector: { matchLabels: { app: "chat-ui" } } },
                ],
                ports: [{ protocol: "TCP", port: 8000 }],
            }],
        });
        // The label the policy selects namespaces by is the one the API server sets on every namespace.
        const labels = JSON.parse(await mustKubectl(["get", "namespace", "np-test", "-o", "json"])).metadata.labels;
        expect(labels).to.include({ "kubernetes.io/metadata.name": "np-test" });
    });

    it("accepts every object of a sample of valid args (server-side dry-run, 25 runs)", async () => {
        let runs = 0;
        await fc.assert(fc.asyncProperty(validArgs, async (sample) => {
            runs++;
            // Dry-run does not create the namespace, so it is created for real first.
            const args = { ...sample, createNamespace: false };
            const ns = args.namespace ?? "serving";
            await kubectl(["create", "namespace", ns]);
            const objects = await manifestsOf(args);
            const r = await dryRun(objects);
            expect(r.code, r.out).to.equal(0);
            expect(r.out).to.contain("(server dry run)");
        }), { numRuns: 25 });
        expect(runs).to.equal(25);
    });

    describe("refuses, like the component, the values the component refuses", () => {
        let base: any[];
        before(async () => {
            await kubectl(["create", "namespace", "serving"]);
            base = await manifestsOf({ ...BASE, hfToken: "hf_x" });
        });
        const kindOf = (kind: string, objects: any[]) => objects.find((o) => o.kind === kind);
        const cases: Array<[string, (o: any[]) => void]> = [
            ["a label key whose prefix is not a DNS subdomain", (o) => { kindOf("Service", o).metadata.labels["-bad.example.com/team"] = "x"; }],
            ["an int32 overflow (progressDeadlineSeconds)", (o) => { kindOf("Deployment", o).spec.progressDeadlineSeconds = 2 ** 31; }],
            ["an int32 overflow (HPA maxReplicas)", (o) => { kindOf("HorizontalPodAutoscaler", o).spec.maxReplicas = 2 ** 31; }],
            ["a duration out of the Operator's pattern", (o) => { kindOf("ServiceMonitor", o).spec.endpoints[0].interval = "30s1m"; }],
            ["a Secret data key starting with '..'", (o) => { const s = o.find((x) => x.kind === "Secret" && x.metadata.name.endsWith("hf-token")); s.stringData = { "..token": "x" }; }],
            ["a Secret key reference that is not a data key", (o) => { kindOf("Deployment", o).spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.key = "bad key"; }],
            ["a NetworkPolicy namespace selector value that is not a label value", (o) => {
                kindOf("NetworkPolicy", o).spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"] = "Bad NS"; }],
        ];
        it("accepts the unmodified objects", async () => {
            const r = await dryRun(base);
            expect(r.code, r.out).to.equal(0);
        });
        it("an image with leading whitespace: the Deployment is stored, but every Pod it would create is refused", async () => {
            const objects = JSON.parse(JSON.stringify(base));
            const deployment = kindOf("Deployment", objects);
            deployment.spec.template.spec.containers[0].image = " vllm/vllm-openai:v0.11.0";
            expect((await dryRun([deployment])).code).to.equal(0);
            const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "probe", namespace: "serving" }, spec: deployment.spec.template.spec };
            const r = await dryRun([pod]);
            expect(r.code, r.out).to.not.equal(0);
            expect(r.out).to.contain("must not have leading or trailing whitespace");
        });
        it("a quantity with surrounding whitespace: stored trimmed, so it never matches the stack's value", async () => {
            const objects = JSON.parse(JSON.stringify(base));
            const deployment = kindOf("Deployment", objects);
            deployment.spec.template.spec.containers[0].resources.requests.memory = " 32Gi";
            const r = await kubectl(["apply", "--server-side", "--dry-run=server", "--field-manager=itest", "-o", "json", "-f", "-"], JSON.stringify(deployment));
            expect(r.code, r.out).to.equal(0);
            expect(JSON.parse(r.out).spec.template.spec.containers[0].resources.requests.memory).to.equal("32Gi");
        });
        for (const [what, corrupt] of cases) {
            it(what, async () => {
                const objects = JSON.parse(JSON.stringify(base));
                corrupt(objects);
                const r = await dryRun(objects);
                expect(r.code, r.out).to.not.equal(0);
                expect(r.out).to.match(/[Ii]nvalid|must|should|unable|error/);
            });
        }
    });
});
