/**
 * The pure parts of the local control plane (env/cluster/): which kwok stages and CRD files it
 * loads, the fake GPU nodes it creates, when it calls nodes schedulable, where it finds its binaries,
 * and the state file it leaves for `down`/`status`.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { findBinaries, REQUIRED_BINARIES } from "../../env/cluster/binaries";
import { DEFAULT_CRDS, selectCrdFiles, wantedCrds } from "../../env/cluster/crds";
import { RUNNER_POD_STAGE, kwokArgs, kwokStageFiles } from "../../env/cluster/kwok";
import { prepareLayout } from "../../env/cluster/layout";
import { DEFAULT_NODE_GROUPS, FakeNodeGroup, nodeManifest, nodesSchedulable } from "../../env/cluster/nodes";
import { clusterStateFile, readState } from "../../env/cluster/state";

function tempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function touch(dir: string, names: string[], mode = 0o644): void {
    for (const n of names) fs.writeFileSync(path.join(dir, n), "#!/bin/sh\n", { mode });
}

/** Runs fn with an environment variable set (or unset), restoring it afterwards. */
function withEnv<T>(name: string, value: string | undefined, fn: () => T): T {
    const saved = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
    try {
        return fn();
    } finally {
        if (saved === undefined) delete process.env[name];
        else process.env[name] = saved;
    }
}

const UPSTREAM_STAGES = ["node-heartbeat-with-lease.yaml", "node-initialize.yaml", "pod-complete.yaml", "pod-delete.yaml", "pod-ready.yaml"];

describe("local cluster: kwok stages", () => {
    let dir: string;
    before(() => {
        dir = tempDir("cluster-stages-");
        touch(dir, [...UPSTREAM_STAGES, "README.md"]);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("loads every upstream stage when kwok owns readiness", () => {
        expect(kwokStageFiles(dir, "kwok")).to.deep.equal(UPSTREAM_STAGES.map((f) => path.join(dir, f)));
    });

    it("swaps pod-ready for the project's pod-start stage when the pod runner owns readiness", () => {
        const files = kwokStageFiles(dir, "runner");
        expect(files.map((f) => path.basename(f))).to.not.include("pod-ready.yaml");
        expect(files).to.include(path.join(dir, "pod-delete.yaml"));
        expect(files[files.length - 1]).to.equal(RUNNER_POD_STAGE);
        const stage = parseAllDocuments(fs.readFileSync(RUNNER_POD_STAGE, "utf8"))[0].toJS();
        expect(stage.kind).to.equal("Stage");
        expect(stage.spec.resourceRef.kind).to.equal("Pod");
    });

    it("passes each stage to kwok as a --config flag", () => {
        const args = kwokArgs({ bin: "kwok", logDir: dir, cwd: dir, kubeconfig: "k", port: 1, stagesDir: dir, podLifecycle: "runner" });
        expect(args.filter((a) => a.startsWith("--config="))).to.deep.equal(kwokStageFiles(dir, "runner").map((f) => `--config=${f}`));
    });
});

describe("local cluster: fake GPU nodes", () => {
    const groups: FakeNodeGroup[] = [
        ...DEFAULT_NODE_GROUPS,
        { prefix: "small", count: 1, gpus: 1, cpu: "8", memory: "32Gi", pods: "20", gpuProduct: "tiny" },
    ];
    const { yaml, names } = nodeManifest(groups);
    const nodes = parseAllDocuments(yaml).map((d) => d.toJS());

    it("creates one Node per group member, named <prefix>-<i>", () => {
        expect(names).to.deep.equal(["kwok-gpu-0", "kwok-gpu-1", "small-0"]);
        expect(nodes.map((n) => n.metadata.name)).to.deep.equal(names);
        expect(nodes.every((n) => n.kind === "Node" && n.apiVersion === "v1")).to.equal(true);
    });

    it("gives each node its group's GPUs as capacity and allocatable, as Kubernetes quantities (strings)", () => {
        for (const [i, n] of nodes.entries()) {
            const g = i < 2 ? groups[0] : groups[1];
            for (const field of ["capacity", "allocatable"]) {
                expect(n.status[field]["nvidia.com/gpu"], `${n.metadata.name} ${field}`).to.equal(String(g.gpus));
                expect(n.status[field].cpu).to.equal(g.cpu);
                expect(n.status[field].memory).to.equal(g.memory);
            }
            expect(n.metadata.labels["nvidia.com/gpu.product"]).to.equal(g.gpuProduct);
        }
    });

    it("annotates every node for kwok's node selector and gives each its own address", () => {
        const args = kwokArgs({ bin: "kwok", logDir: "/l", cwd: "/c", kubeconfig: "k", port: 1, stagesDir: os.tmpdir(), podLifecycle: "kwok" });
        const selector = args.find((a) => a.startsWith("--manage-nodes-with-annotation-selector="))!.split("=").slice(1);
        for (const n of nodes) expect(n.metadata.annotations[selector[0]], n.metadata.name).to.equal(selector[1]);
        const ips = nodes.map((n) => n.status.addresses.find((a: { type: string }) => a.type === "InternalIP").address);
        expect(new Set(ips).size).to.equal(nodes.length);
    });

    it("calls nodes schedulable only when every one is Ready, untainted and has GPUs allocatable", () => {
        const node = (name: string, o: { ready?: boolean; taints?: unknown[]; gpu?: boolean } = {}) => ({
            metadata: { name },
            spec: o.taints ? { taints: o.taints } : {},
            status: {
                conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }],
                allocatable: o.gpu === false ? { cpu: "8" } : { cpu: "8", "nvidia.com/gpu": "8" },
            },
        });
        const res = (items: object[], status = 200) => ({ status, body: JSON.stringify({ items }) });
        const both = ["a", "b"];
        expect(nodesSchedulable(res([node("a"), node("b")]), both)).to.equal(true);
        expect(nodesSchedulable(res([node("a")]), both), "one missing").to.equal(false);
        expect(nodesSchedulable(res([node("a"), node("b", { ready: false })]), both), "not Ready").to.equal(false);
        expect(nodesSchedulable(res([node("a"), node("b", { taints: [{ key: "x", effect: "NoSchedule" }] })]), both), "tainted").to.equal(false);
        expect(nodesSchedulable(res([node("a"), node("b", { gpu: false })]), both), "no GPUs yet").to.equal(false);
        expect(nodesSchedulable(res([node("a"), node("b")], 503), both), "API error").to.equal(false);
    });
});

describe("local cluster: CRD selection", () => {
    let dir: string;
    const group = "monitoring.coreos.com";
    const plurals = ["alertmanagers", "podmonitors", "probes", "prometheusagents", "prometheuses", "prometheusrules", "servicemonitors"];
    before(() => {
        dir = tempDir("cluster-crds-");
        touch(dir, [...plurals.map((p) => `${group}_${p}.yaml`), "kustomization.txt"]);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const base = (files: string[]) => files.map((f) => path.basename(f));

    it("applies the monitoring CRDs an application ships by default, in that order", () => {
        const files = withEnv("VLLM_CLUSTER_CRDS", undefined, () => selectCrdFiles(dir));
        expect(base(files)).to.deep.equal(DEFAULT_CRDS.map((p) => `${group}_${p}.yaml`));
    });

    it("applies every YAML file for 'all', sorted", () => {
        expect(base(selectCrdFiles(dir, "all"))).to.deep.equal(plurals.map((p) => `${group}_${p}.yaml`));
    });

    it("matches a plural exactly (prometheuses is not prometheusagents)", () => {
        expect(base(selectCrdFiles(dir, ["prometheuses"]))).to.deep.equal([`${group}_prometheuses.yaml`]);
    });

    it("takes VLLM_CLUSTER_CRDS when no list is given, and an explicit list over it", () => {
        expect(withEnv("VLLM_CLUSTER_CRDS", "all", () => wantedCrds())).to.equal("all");
        expect(withEnv("VLLM_CLUSTER_CRDS", " probes, ,servicemonitors ", () => wantedCrds())).to.deep.equal(["probes", "servicemonitors"]);
        expect(withEnv("VLLM_CLUSTER_CRDS", "all", () => base(selectCrdFiles(dir, ["probes"])))).to.deep.equal([`${group}_probes.yaml`]);
    });

    it("names every requested CRD it has no file for", () => {
        expect(() => selectCrdFiles(dir, ["servicemonitors", "widgets", "gadgets"])).to.throw(/no CRD file for widgets, gadgets in /);
    });
});

describe("local cluster: binaries", () => {
    let full: string;
    let partial: string;
    before(() => {
        full = tempDir("cluster-bins-full-");
        partial = tempDir("cluster-bins-partial-");
        touch(full, [...REQUIRED_BINARIES], 0o755);
        touch(partial, ["etcd"], 0o755);
        touch(partial, ["kubectl"], 0o644); // not executable: does not count
    });
    after(() => [full, partial].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    it("finds every binary in the given dirs, the first dir winning", () => {
        const bins = withEnv("PATH", "", () => findBinaries([partial, full]));
        expect(bins.etcd).to.equal(path.join(partial, "etcd"));
        expect(bins.kubectl).to.equal(path.join(full, "kubectl"));
        expect(bins["kube-apiserver"]).to.equal(path.join(full, "kube-apiserver"));
    });

    it("lists every missing binary in one error that says how to build them", () => {
        expect(() => withEnv("PATH", "", () => findBinaries([partial]))).to.throw(
            /binaries not found: kube-apiserver, kube-controller-manager, kube-scheduler, kwok, kubectl .*tools\/ensure-toolchain\.sh/,
        );
    });
});

describe("local cluster: state layout @process", function () {
    this.timeout(30_000);
    let dir: string;
    before(() => (dir = tempDir("cluster-layout-")));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("records server, ports, binaries and kubeconfigs in state.json before anything starts", async () => {
        const bins = Object.fromEntries(REQUIRED_BINARIES.map((b) => [b, `/bin/${b}`])) as Record<(typeof REQUIRED_BINARIES)[number], string>;
        fs.mkdirSync(path.join(dir, "logs"));
        fs.writeFileSync(path.join(dir, "logs", "old.log"), "from the last run");
        const l = await prepareLayout(dir, bins, "/crds", () => undefined, clusterStateFile(dir));
        const s = readState(clusterStateFile(dir))!;
        expect(s).to.deep.equal(l.state);
        expect(Object.keys(s.ports).sort()).to.deep.equal(["apiserver", "controllerManager", "etcd", "etcdPeer", "kwok", "scheduler"]);
        expect(new Set(Object.values(s.ports)).size, "distinct ports").to.equal(6);
        expect(s.server).to.equal(`https://127.0.0.1:${s.ports.apiserver}`);
        expect(s).to.include({ stateDir: dir, kubeconfig: path.join(dir, "kubeconfig"), crdDir: "/crds" });
        expect(clusterStateFile(dir).processes()).to.deep.equal([]);
        expect(fs.existsSync(path.join(dir, "logs", "old.log")), "logs start fresh").to.equal(false);
        for (const id of ["controller-manager", "scheduler", "kwok"]) expect(fs.existsSync(l.kubeconfigOf(id)), id).to.equal(true);
        expect(l.kubeconfigOf("kwok")).to.equal(path.join(dir, "run", "kwok.kubeconfig"));
    });
});
