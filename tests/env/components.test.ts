/**
 * The environment's process model (env/component.ts, components.ts, stateFile.ts) on small real
 * processes: start order recorded in one state file, stop in its reverse, rollback of a failed
 * start by the same mechanism, a crashed leader's process group still stopped, and a recorded
 * process restarted from its record alone (what a fault test does from another process).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Component } from "../../env/component";
import { recordedStatus, restartRecorded, startComponents, stopComponents } from "../../env/components";
import { freePort } from "../../env/ports";
import { groupMembers, pidAlive } from "../../env/process";
import { StateFile } from "../../env/stateFile";

describe("env process model: components in one state file", function () {
    this.timeout(30_000);
    let dir: string;
    let state: StateFile;

    const sleeper = (name: string, extra: Partial<Component["spec"]> = {}) =>
        new Component({ name, command: "sleep", args: ["60"], logFile: path.join(dir, `${name}.log`), graceMs: 2_000, ...extra });
    /** A node HTTP server on `port` answering 200 to everything. */
    const server = (name: string, port: number) =>
        new Component({
            name,
            command: process.execPath,
            args: ["-e", `require("http").createServer((q, r) => r.end("ok")).listen(${port}, "127.0.0.1")`],
            logFile: path.join(dir, `${name}.log`),
            readiness: { http: `http://127.0.0.1:${port}/` },
            readyTimeoutMs: 10_000,
            graceMs: 2_000,
        });

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "components-"));
        state = new StateFile(path.join(dir, "environment.json"));
    });
    afterEach(async () => {
        await stopComponents(state);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("records each process in start order and stops them in the reverse order", async () => {
        await startComponents(state, [sleeper("first"), [sleeper("second-a"), sleeper("second-b")], sleeper("third")]);
        const recorded = JSON.parse(fs.readFileSync(state.file!, "utf8")) as { processes: { name: string }[] };
        expect(recorded.processes.map((p) => p.name)).to.deep.equal(["first", "second-a", "second-b", "third"]);
        expect(recordedStatus(state).every((p) => p.running)).to.equal(true);
        const pids = state.processes().map((p) => p.pid);
        const stopped = await stopComponents(state);
        expect(stopped.map((p) => p.name)).to.deep.equal(["third", "second-b", "second-a", "first"]);
        expect(pids.filter(pidAlive)).to.deep.equal([]);
        expect(state.processes()).to.deep.equal([]);
    });

    it("rolls a failed start back: what it started is stopped, in reverse, and forgotten; the error names the process and its log", async () => {
        const earlier = sleeper("earlier");
        await startComponents(state, [earlier]);
        const ok = sleeper("ok");
        const broken = new Component({ name: "broken", command: "sh", args: ["-c", "echo no config here; exit 3"], logFile: path.join(dir, "broken.log"), readiness: { file: path.join(dir, "never") } });
        const err = await startComponents(state, [ok, broken]).then(() => undefined, (e: Error) => e);
        expect(err?.message).to.match(/^broken exited while waiting for broken \(file .*never\)/);
        expect(err?.message).to.contain(path.join(dir, "broken.log"));
        expect(err?.message).to.contain("no config here");
        expect(pidAlive(ok.process.pid), "started by the failed start-up: stopped").to.equal(false);
        expect(state.processes().map((p) => p.name), "an earlier start-up is not rolled back").to.deep.equal(["earlier"]);
        expect(pidAlive(earlier.process.pid)).to.equal(true);
    });

    it("stops what is left of a group whose leader crashed (the pod runner's simulators)", async () => {
        const leader = new Component({ name: "runner", command: "sh", args: ["-c", "sleep 60 & sleep 60 & wait"], logFile: path.join(dir, "runner.log"), group: true, graceMs: 2_000 });
        await startComponents(state, [leader]);
        const pgid = leader.process.pid;
        await new Promise((r) => setTimeout(r, 200));
        expect(groupMembers(pgid).length).to.equal(3);
        process.kill(pgid, "SIGKILL"); // the leader crashes; its children live on in its group
        await new Promise((r) => setTimeout(r, 200));
        expect(groupMembers(pgid).length).to.equal(2);
        const stopped = await stopComponents(state);
        expect(stopped.map((p) => p.name)).to.deep.equal(["runner"]);
        expect(groupMembers(pgid)).to.deep.equal([]);
    });

    it("stops one process and restarts it from its record alone, in its place, ready", async () => {
        const port = await freePort();
        await startComponents(state, [sleeper("before"), server("web", port), sleeper("after")]);
        const first = state.process("web")!;
        await stopComponents(state, { only: ["web"], keepRecords: true });
        expect(pidAlive(first.pid)).to.equal(false);
        expect(recordedStatus(state).map((p) => [p.name, p.running])).to.deep.equal([
            ["before", true],
            ["web", false],
            ["after", true],
        ]);
        // A StateFile of the same path, as another process would open it.
        const again = await restartRecorded(new StateFile(state.file), "web");
        expect(again.pid).to.not.equal(first.pid);
        expect((await fetch(`http://127.0.0.1:${port}/`)).status).to.equal(200);
        expect(state.processes().map((p) => p.name)).to.deep.equal(["before", "web", "after"]);
        expect(state.process("web")!.pid).to.equal(again.pid);
    });

    it("refuses to restart a name that is not recorded", async () => {
        const err = await restartRecorded(state, "nope").then(() => undefined, (e: Error) => e);
        expect(err?.message).to.match(/no process named nope is recorded in .*environment\.json/);
    });
});
