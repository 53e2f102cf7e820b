/**
 * Each process module of the local control plane on its own (env/cluster/{etcd,apiserver,
 * controllerManager,scheduler,kwok}.ts): started through its module, healthy by its own check,
 * stopped by PID with nothing left; a process that cannot start fails naming itself and its log.
 * Needs the cluster toolchain (built by tools/ensure-toolchain.sh when missing).
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { apiserverReady, apiserverUrl, apiserverComponent } from "../../env/cluster/apiserver";
import { BinaryName, ensureClusterToolchain, findBinaries } from "../../env/cluster/binaries";
import { Component, Launch } from "../../env/cluster/component";
import { controllerManagerComponent } from "../../env/cluster/controllerManager";
import { etcdHealthy, etcdComponent } from "../../env/cluster/etcd";
import { adminTls, httpGet } from "../../env/http";
import { writeKubeconfig } from "../../env/cluster/kubeconfig";
import { findStagesDir, kwokComponent } from "../../env/cluster/kwok";
import { startCluster } from "../../env/cluster";
import { Pki, generatePki } from "../../env/cluster/pki";
import { freePorts } from "../../env/ports";
import { schedulerComponent } from "../../env/cluster/scheduler";
import { pidAlive, stopProcess } from "../../env/process";
import { REPO_ROOT } from "../../scripts/toolchain";

const TIMEOUT_MS = 60_000;

/** Processes whose command line names dir (every component here has its files under it). */
function processesUnder(dir: string): string {
    try {
        return execFileSync("pgrep", ["-a", "-f", dir], { encoding: "utf8" }).trim();
    } catch {
        return ""; // pgrep exits 1 when nothing matches
    }
}

/** One test dir, stopping (by PID) every component a test started and checking nothing is left. */
function scope(prefix: string) {
    const s = {
        dir: "",
        running: [] as Component[],
        launch: (bin: string): Launch => ({ bin, logDir: path.join(s.dir, "logs"), cwd: s.dir }),
        open: () => (s.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))),
        async close(): Promise<void> {
            for (const c of s.running.splice(0).reverse()) await stopProcess(c.process, 10_000);
            expect(processesUnder(s.dir), "processes left").to.equal("");
            fs.rmSync(s.dir, { recursive: true, force: true });
        },
    };
    return s;
}

let bins: Record<BinaryName, string>;

async function etcdIn(s: ReturnType<typeof scope>): Promise<{ etcd: Component; port: number }> {
    const [port, peerPort] = await freePorts(2);
    const etcd = etcdComponent({ ...s.launch(bins.etcd), dataDir: path.join(s.dir, "etcd"), clientPort: port, peerPort });
    etcd.start();
    s.running.push(etcd);
    await etcd.ready(TIMEOUT_MS);
    return { etcd, port };
}

describe("local cluster: each process alone @integration", function () {
    this.timeout(TIMEOUT_MS * 2);

    before(function () {
        this.timeout(90 * 60_000); // a cold toolchain build takes tens of minutes
        bins = findBinaries(ensureClusterToolchain());
    });

    describe("etcd", () => {
        const s = scope("cluster-etcd-");
        beforeEach(() => s.open());
        afterEach(() => s.close());

        it("starts, is healthy, stops by PID", async () => {
            const { etcd, port } = await etcdIn(s);
            expect(await etcdHealthy(port)).to.equal(true);
            expect(etcd.process.logFile).to.equal(path.join(s.dir, "logs", "etcd.log"));
            expect(await stopProcess(etcd.process, 10_000)).to.equal(true);
            expect(pidAlive(etcd.process.pid)).to.equal(false);
            expect(await etcdHealthy(port).catch(() => false)).to.equal(false);
        });

        it("fails at once on a port already taken, naming etcd and its log", async () => {
            const taken = net.createServer((socket) => socket.destroy()); // holds the port, answers nothing
            await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", () => resolve()));
            try {
                const port = (taken.address() as net.AddressInfo).port;
                const [peerPort] = await freePorts(1);
                const etcd = etcdComponent({ ...s.launch(bins.etcd), dataDir: path.join(s.dir, "etcd"), clientPort: port, peerPort });
                etcd.start();
                s.running.push(etcd);
                const t0 = Date.now();
                const err = await etcd.ready(TIMEOUT_MS).then(() => undefined, (e: Error) => e);
                expect(err?.message).to.match(/^etcd exited while waiting for etcd http:\/\/127\.0\.0\.1:\d+\/health/);
                expect(err?.message).to.contain(path.join(s.dir, "logs", "etcd.log"));
                expect(err?.message).to.match(/address already in use/);
                expect(Date.now() - t0, "fails when the process exits, not at the timeout").to.be.below(TIMEOUT_MS / 2);
            } finally {
                await new Promise((resolve) => taken.close(resolve));
            }
        });
    });

    describe("kube-apiserver and its clients, on one etcd", () => {
        const s = scope("cluster-apiserver-");
        let pki: Pki;
        let server: string;

        before(async () => {
            s.open();
            const { port: etcdPort } = await etcdIn(s);
            pki = generatePki(path.join(s.dir, "pki"));
            const [port] = await freePorts(1);
            const apiserver = apiserverComponent({ ...s.launch(bins["kube-apiserver"]), etcdPort, port, pki, certDir: path.join(s.dir, "certs") });
            apiserver.start();
            s.running.push(apiserver);
            await apiserver.ready(TIMEOUT_MS);
            server = apiserverUrl(port);
        });
        after(() => s.close());

        const kubeconfig = (identity: string): string => {
            const file = path.join(s.dir, `${identity}.kubeconfig`);
            writeKubeconfig(file, server, pki, identity);
            return file;
        };
        const statusAs = async (identity: string | undefined, url: string): Promise<number> => {
            const tls = identity ? { ...adminTls(pki), cert: fs.readFileSync(pki.cert(identity).crt), key: fs.readFileSync(pki.cert(identity).key) } : { ca: fs.readFileSync(pki.caCrt) };
            return (await httpGet(`${server}${url}`, tls)).status;
        };

        it("kube-apiserver: serves the pinned version; RBAC sees each client certificate's identity", async () => {
            expect(await apiserverReady(server, adminTls(pki))).to.equal(true);
            const pinned = /k8s\.io\/kubernetes (v\S+)/.exec(fs.readFileSync(path.join(REPO_ROOT, "tools", "kube", "go.mod"), "utf8"))![1];
            const version = execFileSync(bins.kubectl, [`--kubeconfig=${kubeconfig("admin")}`, "get", "--raw", "/version"], { encoding: "utf8" });
            expect(JSON.parse(version).gitVersion).to.equal(pinned);
            expect(await statusAs("admin", "/api/v1/secrets"), "admin (system:masters)").to.equal(200);
            expect(await statusAs("scheduler", "/api/v1/secrets"), "the scheduler may not read secrets").to.equal(403);
            expect(await statusAs("scheduler", "/api/v1/pods"), "the scheduler may list pods").to.equal(200);
            expect(await statusAs(undefined, "/api/v1/namespaces"), "anonymous").to.equal(403);
        });

        for (const name of ["kube-controller-manager", "kube-scheduler", "kwok"] as const) {
            it(`${name}: starts against the API server, is healthy, stops by PID`, async () => {
                const [port] = await freePorts(1);
                const launch = s.launch(bins[name]);
                const c =
                    name === "kube-controller-manager"
                        ? controllerManagerComponent({ ...launch, kubeconfig: kubeconfig("controller-manager"), port, pki })
                        : name === "kube-scheduler"
                          ? schedulerComponent({ ...launch, kubeconfig: kubeconfig("scheduler"), port, pki })
                          : kwokComponent({ ...launch, kubeconfig: kubeconfig("kwok"), port, stagesDir: findStagesDir(bins.kwok), podLifecycle: "kwok" });
                c.start();
                s.running.push(c);
                await c.ready(TIMEOUT_MS);
                expect(c.name).to.equal(name);
                expect(c.process.logFile).to.equal(path.join(s.dir, "logs", `${name}.log`));
                expect(await stopProcess(c.process, 10_000)).to.equal(true);
                expect(pidAlive(c.process.pid)).to.equal(false);
            });
        }
    });

    describe("startCluster failing part-way", () => {
        const s = scope("cluster-fail-");
        before(() => s.open());
        after(() => s.close());

        it("stops every process it started and says why (a CRD that is not there)", async () => {
            const logs: string[] = [];
            const err = await startCluster({ binDirs: ensureClusterToolchain(), stateDir: s.dir, crds: ["widgets"], log: (m) => logs.push(m) }).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(err?.message).to.match(/^local cluster: no CRD file for widgets in /);
            expect(logs, "it got as far as the processes").to.include.members(["start failed; stopping what was started"]);
            expect(logs.some((l) => l.startsWith("kwok is ready"))).to.equal(true);
            expect(processesUnder(s.dir), "processes left").to.equal("");
            expect(fs.existsSync(path.join(s.dir, "state.json")), "state file removed").to.equal(false);
        });
    });
});
