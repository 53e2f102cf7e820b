/**
 * Stopping a recorded cluster (env/cluster/stop.ts, status.ts) on stand-in processes: it signals
 * exactly the recorded PIDs that still run their recorded executable, in the reverse of their
 * start order, leaves nothing behind and removes the state file; a PID reused by another program
 * is never signalled.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ComponentName } from "../../env/cluster/binaries";
import { clusterStatus } from "../../env/cluster/status";
import { ClusterState, clusterStateFile, readState, writeState } from "../../env/cluster/state";
import { stopCluster } from "../../env/cluster/stop";
import { ProcessRecord, pidAlive, startProcess, stopProcess } from "../../env/process";

const SLEEP = "/bin/sleep";

describe("local cluster: stop and status by PID", function () {
    this.timeout(30_000);
    let dir: string;
    const started: ProcessRecord[] = [];

    const sleeper = (name: ComponentName): ProcessRecord => {
        const rec = startProcess({ name, command: SLEEP, args: ["60"], logFile: path.join(dir, "logs", `${name}.log`) });
        started.push(rec);
        return rec;
    };
    const facts = (): ClusterState => ({
        startedAt: new Date().toISOString(),
        stateDir: dir,
        kubeconfig: path.join(dir, "kubeconfig"),
        server: "https://127.0.0.1:1",
        ports: {},
        bins: { etcd: SLEEP, "kube-apiserver": SLEEP, "kube-controller-manager": SLEEP, "kube-scheduler": SLEEP, kwok: SLEEP, kubectl: SLEEP },
        nodes: [],
    });
    const record = (recs: ProcessRecord[]) => {
        const state = clusterStateFile(dir);
        writeState(state, facts());
        for (const r of recs) state.add(r);
    };

    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-stop-"))));
    afterEach(async () => {
        for (const rec of started.splice(0)) await stopProcess(rec, 1000);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("stops in the reverse of the start order: clients, then the API server, then etcd", async () => {
        const names: ComponentName[] = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"];
        record(names.map(sleeper));
        const logs: string[] = [];
        await stopCluster({ stateDir: dir, log: (m) => logs.push(m), graceMs: 5000 });
        const order = /stopped 5 process\(es\): (.*)$/.exec(logs.join("\n"))?.[1].split(", ").map((s) => s.replace(/\(\d+\)$/, ""));
        expect(order).to.deep.equal(["kwok", "kube-scheduler", "kube-controller-manager", "kube-apiserver", "etcd"]);
    });

    it("stops every recorded process, spares a reused PID, and removes the state file", async () => {
        const etcd = sleeper("etcd");
        const kwok = sleeper("kwok");
        // This test's own PID recorded as the scheduler: alive, but not the recorded executable.
        const stranger: ProcessRecord = { name: "kube-scheduler", pid: process.pid, command: "/nonexistent/kube-scheduler", args: [], logFile: "x" };
        record([etcd, kwok, stranger]);

        const before = await clusterStatus({ stateDir: dir });
        expect(before.components.map((c) => [c.name, c.running])).to.deep.equal([
            ["etcd", true],
            ["kwok", true],
            ["kube-scheduler", false],
        ]);
        expect(before.running, "not every component runs").to.equal(false);

        const logs: string[] = [];
        await stopCluster({ stateDir: dir, log: (m) => logs.push(m), graceMs: 5000 });
        expect(pidAlive(etcd.pid)).to.equal(false);
        expect(pidAlive(kwok.pid)).to.equal(false);
        expect(readState(clusterStateFile(dir))).to.equal(undefined);
        expect(logs.join("\n")).to.match(/stopped 2 process\(es\): kwok\(\d+\), etcd\(\d+\)/);
        expect((await clusterStatus({ stateDir: dir })).components).to.deep.equal([]);
    });

    it("stops a cluster an older checkout recorded (state.json version 1), so none is orphaned", async () => {
        const etcd = sleeper("etcd");
        const old = { version: 1, stateDir: dir, components: [{ name: "etcd", pid: etcd.pid, bin: SLEEP, args: ["60"], log: etcd.logFile }] };
        fs.writeFileSync(path.join(dir, "state.json"), JSON.stringify(old));
        const logs: string[] = [];
        await stopCluster({ stateDir: dir, log: (m) => logs.push(m) });
        expect(pidAlive(etcd.pid)).to.equal(false);
        expect(fs.existsSync(path.join(dir, "state.json"))).to.equal(false);
        expect(logs[0]).to.equal(`stopped the cluster an older version recorded in ${dir}`);
    });

    it("says so and changes nothing when no cluster is recorded", async () => {
        const logs: string[] = [];
        await stopCluster({ stateDir: dir, log: (m) => logs.push(m) });
        expect(logs).to.deep.equal([`no cluster recorded in ${dir}`]);
        expect(fs.readdirSync(dir)).to.deep.equal([]);
    });
});
