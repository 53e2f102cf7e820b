/**
 * The local control plane (scripts/local-cluster.ts) for real: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler and kwok built from the pinned Go modules in tools/.
 *
 * It builds the toolchain first if it is missing (long when cold: progress goes to stderr), starts
 * its own cluster in a separate state dir (so it never touches a cluster the demo started), and
 * checks that a GPU Deployment really rolls out on the simulated nodes, then that stopping leaves
 * no process behind.
 */
import { expect } from "chai";
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import {
    ClusterInfo,
    clusterStatus,
    ensureClusterToolchain,
    registerCleanup,
    startCluster,
    stopCluster,
} from "../../env/cluster";
import { REPO_ROOT } from "../../env/repo";

const STATE_DIR = path.join(REPO_ROOT, ".cache", "cluster-itest-local-cluster");
const NS = "itest-gpu";

const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata:
  name: ${NS}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: gpu-probe
  namespace: ${NS}
  labels: { app: gpu-probe }
spec:
  replicas: 1
  selector:
    matchLabels: { app: gpu-probe }
  template:
    metadata:
      labels: { app: gpu-probe }
    spec:
      containers:
        - name: server
          image: registry.invalid/vllm/vllm-openai@sha256:0000000000000000000000000000000000000000000000000000000000000000
          ports:
            - { name: http, containerPort: 8000 }
          resources:
            requests: { cpu: "16", memory: 64Gi, nvidia.com/gpu: "1" }
            limits: { memory: 64Gi, nvidia.com/gpu: "1" }
          volumeMounts:
            - { name: shm, mountPath: /dev/shm }
      volumes:
        - name: shm
          emptyDir: { medium: Memory, sizeLimit: 16Gi }
---
apiVersion: v1
kind: Service
metadata:
  name: gpu-probe
  namespace: ${NS}
spec:
  selector: { app: gpu-probe }
  ports:
    - { name: http, port: 8000, targetPort: http }
`;

const SERVICE_MONITOR = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: gpu-probe
  namespace: ${NS}
spec:
  selector:
    matchLabels: { app: gpu-probe }
  endpoints:
    - port: http
      path: /metrics
      interval: 15s
`;

interface PodJson {
    metadata: { name: string };
    spec: { nodeName?: string };
    status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

async function until<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const v = await fn();
            if (v !== undefined) return v;
        } catch (e) {
            last = e;
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
        await new Promise((r) => setTimeout(r, 500));
    }
}

describe("local control plane with simulated GPU nodes @integration", function () {
    let cluster: ClusterInfo | undefined;

    const kubectl = (args: string[], input?: string): Promise<string> =>
        new Promise((resolve, reject) => {
            const child = execFile(
                cluster!.kubectl,
                [`--kubeconfig=${cluster!.kubeconfig}`, ...args],
                { timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
                (err, stdout, stderr) =>
                    err ? reject(new Error(`kubectl ${args.join(" ")}: ${err.message}\n${stderr}`)) : resolve(stdout),
            );
            if (input !== undefined) child.stdin?.end(input);
        });
    const podsOf = async (app: string): Promise<PodJson[]> =>
        (JSON.parse(await kubectl(["get", "pods", "-n", NS, "-l", `app=${app}`, "-o", "json"])) as { items: PodJson[] }).items;
    const isReady = (p: PodJson) => p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

    before(async function () {
        // A cold toolchain build (Kubernetes from source) takes tens of minutes on 2 cores.
        this.timeout(90 * 60_000);
        const binDirs = ensureClusterToolchain();
        registerCleanup(); // stops the cluster even if a test fails or the run is interrupted
        cluster = await startCluster({ binDirs, stateDir: STATE_DIR, reuse: false, timeoutMs: 60_000 });
        process.stderr.write(`      cluster started in ${(cluster.startMs / 1000).toFixed(1)}s\n`);
    });

    after(async function () {
        this.timeout(60_000);
        // Safety net if the last test did not run or failed before stopping.
        if ((await clusterStatus({ stateDir: STATE_DIR })).components.length > 0) await stopCluster({ stateDir: STATE_DIR });
    });

    it("starts in well under a minute and serves the pinned Kubernetes version", async function () {
        expect(cluster!.reused).to.equal(false);
        expect(cluster!.startMs).to.be.below(60_000);
        const pinned = /k8s\.io\/kubernetes (v\S+)/.exec(fs.readFileSync(path.join(REPO_ROOT, "tools", "kube", "go.mod"), "utf8"))![1];
        const version = JSON.parse(await kubectl(["version", "-o", "json"])) as {
            clientVersion: { gitVersion: string };
            serverVersion: { gitVersion: string };
        };
        expect(version.serverVersion.gitVersion).to.equal(pinned);
        expect(version.clientVersion.gitVersion).to.equal(pinned);
        expect(cluster!.kubeconfig.startsWith(STATE_DIR)).to.equal(true);
    });

    it("has at least two Ready kwok nodes with 8 nvidia.com/gpu each and no taints", async function () {
        const nodes = (
            JSON.parse(await kubectl(["get", "nodes", "-l", "type=kwok", "-o", "json"])) as {
                items: {
                    metadata: { name: string };
                    spec: { taints?: unknown[] };
                    status: { allocatable: Record<string, string>; conditions: { type: string; status: string }[] };
                }[];
            }
        ).items;
        expect(nodes.length).to.be.at.least(2);
        for (const n of nodes) {
            expect(n.status.allocatable["nvidia.com/gpu"], n.metadata.name).to.equal("8");
            expect(n.spec.taints ?? [], n.metadata.name).to.deep.equal([]);
            expect(n.status.conditions.find((c) => c.type === "Ready")?.status, n.metadata.name).to.equal("True");
        }
    });

    it("has the Prometheus Operator CRDs Established (ServiceMonitor, PrometheusRule)", async function () {
        for (const crd of ["servicemonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com"]) {
            const out = JSON.parse(await kubectl(["get", "crd", crd, "-o", "json"])) as {
                status: { conditions: { type: string; status: string }[] };
            };
            expect(out.status.conditions.find((c) => c.type === "Established")?.status, crd).to.equal("True");
        }
    });

    it("rolls out a GPU Deployment on a kwok node: scheduled, Ready, Service endpoints filled", async function () {
        this.timeout(120_000);
        await kubectl(["apply", "--server-side", "--field-manager=itest", "-f", "-"], MANIFESTS);
        await kubectl(["rollout", "status", "deployment/gpu-probe", "-n", NS, "--timeout=90s"]);

        const pods = await podsOf("gpu-probe");
        expect(pods).to.have.length(1);
        const pod = pods[0];
        expect(cluster!.nodes).to.include(pod.spec.nodeName);
        expect(pod.status.phase).to.equal("Running");
        expect(isReady(pod)).to.equal(true);
        expect(pod.status.podIP, "kwok assigns a pod IP").to.be.a("string").and.not.equal("");

        // EndpointSlice (what kube-proxy uses) and the legacy Endpoints both list the ready pod.
        await until("the EndpointSlice of gpu-probe to list the pod", 30_000, async () => {
            const slices = (
                JSON.parse(
                    await kubectl(["get", "endpointslices", "-n", NS, "-l", "kubernetes.io/service-name=gpu-probe", "-o", "json"]),
                ) as { items: { endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[] }[] }
            ).items;
            const ready = slices.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready);
            return ready.some((e) => e.addresses.includes(pod.status.podIP!)) ? true : undefined;
        });
        await until("the Endpoints of gpu-probe to list the pod", 30_000, async () => {
            const ep = JSON.parse(await kubectl(["get", "endpoints", "gpu-probe", "-n", NS, "-o", "json"])) as {
                subsets?: { addresses?: { ip: string }[] }[];
            };
            return (ep.subsets ?? []).some((s) => (s.addresses ?? []).some((a) => a.ip === pod.status.podIP)) ? true : undefined;
        });

        // The CRD's schema is enforced by the API server (a real ServiceMonitor is accepted).
        await kubectl(["apply", "--server-side", "--field-manager=itest", "-f", "-"], SERVICE_MONITOR);
        expect(await kubectl(["get", "servicemonitor", "gpu-probe", "-n", NS, "-o", "name"])).to.contain("gpu-probe");
    });

    it("enforces nvidia.com/gpu capacity: 17 one-GPU replicas on 2x8 GPUs leave exactly one Pending", async function () {
        this.timeout(120_000);
        const totalGpus = cluster!.nodes.length * 8;
        await kubectl(["scale", "deployment/gpu-probe", "-n", NS, `--replicas=${totalGpus + 1}`]);
        const pods = await until(`${totalGpus} Ready pods and 1 unschedulable`, 90_000, async () => {
            const ps = await podsOf("gpu-probe");
            const ready = ps.filter(isReady);
            const pending = ps.filter((p) => p.status.conditions?.some((c) => c.type === "PodScheduled" && c.status === "False"));
            return ps.length === totalGpus + 1 && ready.length === totalGpus && pending.length === 1 ? ps : undefined;
        });
        const perNode = new Map<string, number>();
        for (const p of pods.filter(isReady)) perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + 1);
        for (const [node, n] of perNode) expect(n, node).to.be.at.most(8);
        const events = await kubectl(["get", "events", "-n", NS, "--field-selector=reason=FailedScheduling", "-o", "json"]);
        expect(events).to.contain("nvidia.com/gpu");
        await kubectl(["scale", "deployment/gpu-probe", "-n", NS, "--replicas=1"]);
    });

    it("stops exactly the processes it started, leaving none behind", async function () {
        this.timeout(60_000);
        const pids = Object.values(cluster!.pids);
        expect(pids).to.have.length(5);
        await stopCluster({ stateDir: STATE_DIR });
        for (const pid of pids) {
            expect(fs.existsSync(`/proc/${pid}`) && !/\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8")), `pid ${pid}`).to.equal(
                false,
            );
        }
        // Every component has the state dir in its command line.
        let left = "";
        try {
            left = execFileSync("pgrep", ["-a", "-f", STATE_DIR], { encoding: "utf8" });
        } catch {
            left = ""; // pgrep exits 1 when nothing matches
        }
        expect(left.trim(), "processes still running").to.equal("");
        expect((await clusterStatus({ stateDir: STATE_DIR })).running).to.equal(false);
    });
});
