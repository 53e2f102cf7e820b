/**
 * The bench's own logic: medians, the targets it reports met or missed, the refusal to measure
 * next to foreign toolchain processes, and the report's header (command, machine, date).
 */
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findProcesses } from "../../scripts/bench/environment";
import { previewFigures } from "../../scripts/bench/previews";
import { renderReport } from "../../scripts/bench/report";
import { runReaped, subreaperPython } from "../../scripts/bench/reaped";
import { childrenCpuSeconds, median, Sample } from "../../scripts/bench/stats";
import { goRecorder } from "../../scripts/bench/testSuite";
import { REPO_ROOT } from "../../scripts/toolchain";
import { spawnSync } from "child_process";

const s = (wall: number, cpu = wall / 2): Sample => ({ wall, cpu });

describe("bench", () => {
    it("takes the median of odd and even sample counts and refuses none", () => {
        expect(median([3, 1, 2])).to.equal(2);
        expect(median([4, 1, 3, 2])).to.equal(2.5);
        expect(() => median([])).to.throw(/no samples/);
    });

    it("reports the dev/floor ratio, the pack's cost and the cost per added instance against the targets", () => {
        const figures = previewFigures(new Map([
            ["floor", s(2.0)], ["floor-js", s(1.6)], ["dev", s(3.2)], ["dev+empty-pack", s(3.35, 1.65)], ["dev+pack", s(3.4)],
            ["scale-1", s(3.2)], ["scale-5", s(3.6)], ["scale-20", s(6.6)],
            ["floor-minimal-1", s(3.0)], ["floor-minimal-20", s(4.9)], ["floor-rendered-1", s(3.1)], ["floor-rendered-20", s(6.4)],
        ]));
        const by = (label: RegExp) => figures.find((f) => label.test(f.label))!;
        expect(by(/^dev stack$/)).to.include({ met: false, value: "3.20 s (1.60x the floor)" });
        expect(by(/--policy-pack policy/)).to.include({ met: true, value: "3.40 s (+0.20 s, CPU +0.10 s, for the pack: +0.05 s, CPU +0.05 s, above the empty pack)" });
        expect(by(/^5 /)).to.include({ met: true, value: "3.60 s (+100 ms per instance over 1)" });
        expect(by(/^20 /)).to.include({ met: false, value: "6.60 s (+200 ms per instance over 5)" });
    });

    it("prints each missed target's floor: an empty pack, and one more instance split into floor, objects' size and our code", () => {
        const figures = previewFigures(new Map([
            ["floor", s(2.0)], ["floor-js", s(1.6)], ["dev", s(3.0)], ["dev+empty-pack", s(3.5)], ["dev+pack", s(3.6)],
            ["scale-1", s(3.0, 3.0)], ["scale-5", s(4.0)], ["scale-20", s(8.7, 9.65)],
            ["floor-minimal-1", s(2.8, 2.8)], ["floor-minimal-20", s(6.6, 7.36)], ["floor-rendered-1", s(2.9, 2.9)], ["floor-rendered-20", s(8.6, 9.55)],
        ]));
        const by = (label: RegExp) => figures.find((f) => label.test(f.label))!;
        expect(by(/empty policy pack/)).to.include({ value: "3.50 s (+0.50 s, CPU +0.25 s, for a pack with no policies)" });
        expect(by(/empty policy pack/).met).to.equal(undefined, "a floor is context, not a target");
        expect(by(/--policy-pack policy/)).to.include({ met: false, value: "3.60 s (+0.60 s, CPU +0.30 s, for the pack: +0.10 s, CPU +0.05 s, above the empty pack)" });
        expect(by(/^floor: /)).to.include({ value: "+200 ms per instance (1 -> 20)", cpu: "+240 ms per instance" });
        expect(by(/rendered objects/)).to.include({
            value: "+300 ms per instance (1 -> 20): the objects' size costs +100 ms (CPU +110 ms)", cpu: "+350 ms per instance",
        });
        expect(by(/^VllmService$/)).to.include({
            value: "+300 ms per instance (1 -> 20): the component's own per-instance code costs +0 ms (CPU +0 ms)", cpu: "+350 ms per instance",
        });
        expect(() => previewFigures(new Map([["floor", s(2.0)]]))).to.throw(/no preview measured for dev/);
    });

    it("counts the CPU of a process the command leaves behind (a policy pack), and passes the command's exit code on", async function () {
        if (!subreaperPython()) {
            this.skip(); // not Linux, or no python3: the bench says so in its previews line
        }
        // The shell exits at once; its orphan burns 0.4 s of CPU, as a pack the engine stops does.
        const orphan = `${JSON.stringify(process.execPath)} -e 'const t = Date.now(); while (Date.now() - t < 400) {}' & exit 3`;
        const cpu0 = childrenCpuSeconds();
        const r = await runReaped("sh", ["-c", orphan], { cwd: os.tmpdir(), env: process.env });
        expect(r.code).to.equal(3);
        expect(childrenCpuSeconds() - cpu0).to.be.at.least(0.35);
    });

    it("finds a toolchain process it did not start by its executable's name, and leaves out excluded PIDs", async function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"));
        const fake = path.join(dir, "kube-apiserver");
        fs.symlinkSync(process.platform === "linux" ? "/bin/sleep" : "/usr/bin/sleep", fake);
        const child = spawn(fake, ["30"], { stdio: "ignore" });
        try {
            await new Promise((r) => setTimeout(r, 100));
            const found = findProcesses(["kube-apiserver"]);
            expect(found.map((p) => p.pid)).to.include(child.pid);
            expect(findProcesses(["kube-apiserver"], new Set([child.pid!])).map((p) => p.pid)).to.not.include(child.pid);
        } finally {
            child.kill();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("catches a unit run that needs Go: the recording go fails and names the call, also through ensure-toolchain.sh", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-go-"));
        try {
            const go = goRecorder(dir);
            expect(go.calls()).to.deep.equal([]);
            const direct = spawnSync("go", ["build", "./..."], { env: go.env, encoding: "utf8" });
            expect(direct.status).to.equal(1);
            expect(direct.stderr).to.contain("must not need Go (go build ./...)");
            const ensure = spawnSync("bash", [path.join(REPO_ROOT, "tools", "ensure-toolchain.sh"), "actionlint"], { env: go.env, encoding: "utf8" });
            expect(ensure.status).to.not.equal(0);
            expect(go.calls()[0]).to.equal("go build ./...");
            expect(go.calls().slice(1).join("\n")).to.match(/^go env/m);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("prints the command, date, machine and every missed target", () => {
        const text = renderReport(
            { command: "npm run bench", date: new Date("2026-11-26T05:00:00.123Z"), loadAtStart: "0.10", loadAtEnd: "0.20",
                machine: { cores: 2, cpu: "Test CPU", memoryGiB: 24, node: "v20", pulumi: "v3.274.1" } },
            [{ name: "previews", title: "pulumi preview", how: "test", figures: [{ label: "dev stack", value: "3 s", target: "<= 1.5x", met: false }] }],
        );
        expect(text).to.match(/^`npm run bench`, 2026-11-26T05:00:00Z\nmachine: 2 cores \(Test CPU\), 24 GiB, Node v20, pulumi v3.274.1/);
        expect(text).to.include("| dev stack | 3 s |  | <= 1.5x | **missed** |");
        expect(text).to.include("Targets missed: dev stack.");
    });
});
