/**
 * `npm run doctor` on the local environment, against the loop stack brought up through the real
 * engine: every link holds; then each link is broken the way a user breaks it, and the doctor
 * must name that link as the first broken one, with its fix; each break is undone.
 *
 * Breaks go from the end of the chain to its start, so what is still settling after a restore
 * (a target re-added, the HPA's next sync) lies after the next break's link and cannot be taken
 * for it. At the end, every link must hold again (the restores worked). The doctor runs as the CLI
 * (`scripts/doctor.ts`), as a user runs it; its output is printed for each case.
 */
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { TS_NODE } from "../../env/inside";
import { Environment, startEnvironment, stopEnvironment } from "../../env/environment";
import { REPO_ROOT } from "../../scripts/toolchain";
import { DeployedLoopStack, deployLoopStack } from "../integration/loop/deployLoopStack";
import { LOOP_NS, LOOP_STACK, SCRAPE_SECONDS } from "../integration/loop/loopStack";
import { Kube, kubeClients } from "../support/kube";

const STATE_DIR = path.join(REPO_ROOT, ".cache", "test-doctor");
const CLI = path.join(REPO_ROOT, "scripts", "doctor.ts");
/** The simulator knob annotation (README, "The local environment"; sim/README.md). */
const HEALTH_FAIL = "sim.vllm-pulumi.dev/health-fail-after-seconds";
const QUEUE_METRIC = "vllm:num_requests_waiting";
const OTHER_METRIC = "vllm:num_requests_running";

interface DoctorRun {
    code: number | null;
    stdout: string;
    stderr: string;
    /** link id -> its line */
    lines: Map<string, string>;
    firstBroken?: string;
    ms: number;
}

/** The doctor's own stderr, without the parser rebuild's and the toolchain check's progress lines. */
function doctorStderr(r: { stderr: string }): string {
    return r.stderr.split("\n").filter((l) => l.trim() && !l.startsWith("[build]") && !l.startsWith("[toolchain]")).join("\n");
}

describe("@integration doctor: names the first broken link of the elasticity chain and its fix", function () {
    this.timeout(20 * 60_000);
    let env: Environment;
    let kube: Kube;
    let deployed: DeployedLoopStack;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-doctor-"));
    const t0 = Date.now();

    function doctor(args: string[]): Promise<DoctorRun> {
        const started = Date.now();
        const base = { ...process.env };
        delete base.KUBECONFIG;
        delete base.PROMETHEUS_URL;
        return new Promise((resolve) => {
            const child = spawn(process.execPath, [...TS_NODE, CLI, "--env-dir", STATE_DIR, ...args], { cwd: REPO_ROOT, env: base });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            child.on("close", (code) => {
                const lines = new Map<string, string>();
                for (const l of stdout.split("\n")) {
                    const m = /^(ok|BROKEN|skipped) +(\S+) /.exec(l);
                    if (m) lines.set(m[2], l);
                }
                const firstBroken = /^first broken link: (\S+)/m.exec(stdout)?.[1];
                resolve({ code, stdout, stderr, lines, firstBroken, ms: Date.now() - started });
            });
        });
    }
    /** The loop stack's objects by flags (no Pulumi call: the cases run the doctor many times). */
    const byFlags = () => doctor(["--namespace", LOOP_NS, "--service", deployed.outputs.serviceName, "--hpa", deployed.outputs.hpaName]);

    /** Runs the doctor until `done` holds (or the time is up), prints the last output, returns it. */
    async function doctorUntil(what: string, done: (r: DoctorRun) => boolean, timeoutMs: number, run = byFlags): Promise<DoctorRun> {
        const start = Date.now();
        let r = await run();
        while (!done(r) && Date.now() - start < timeoutMs) {
            await new Promise((res) => setTimeout(res, 2_000));
            r = await run();
        }
        console.log(`      --- ${what} (exit ${r.code}, ${((Date.now() - start) / 1000).toFixed(0)} s) ---\n${r.stdout.replace(/^/gm, "      ")}${doctorStderr(r) ? `\n      stderr: ${doctorStderr(r)}` : ""}`);
        return r;
    }
    function expectBroken(r: DoctorRun, link: string, fix: RegExp): void {
        expect(r.code, r.stdout + r.stderr).to.equal(1);
        expect(r.firstBroken, r.stdout).to.equal(link);
        expect(r.lines.get(link), r.stdout).to.match(/^BROKEN /).and.match(fix);
    }
    const kubectl = (args: string[]) => kube.kubectl(["-n", LOOP_NS, ...args]);

    before(async function () {
        env = await startEnvironment({ stateDir: STATE_DIR });
        kube = kubeClients(env.kubeconfig, env.kubectl);
        deployed = await deployLoopStack(env, path.join(tmp, "ws"));
        console.log(`      measured: environment + loop stack up + adapter configured in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    });

    after(async function () {
        if (env) await stopEnvironment({ stateDir: STATE_DIR });
        fs.rmSync(tmp, { recursive: true, force: true });
        console.log(`      measured: whole file ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    });

    it("every link holds on the freshly deployed stack (read through the stack's outputs), exit 0", async () => {
        const viaStack = () => doctor(["--stack", LOOP_STACK, "--workspace", path.join(tmp, "ws")]);
        const started = Date.now();
        const r = await doctorUntil("healthy stack", (x) => x.code === 0, 120_000, viaStack);
        console.log(`      measured: every link ok ${((Date.now() - started) / 1000).toFixed(0)} s after the adapter was configured; one doctor run ${(r.ms / 1000).toFixed(1)} s`);
        expect(r.code, r.stdout + r.stderr).to.equal(0);
        expect(r.stdout).to.contain(`doctor: stack ${LOOP_STACK}: ${LOOP_NS}/`);
        expect([...r.lines.values()].every((l) => l.startsWith("ok "))).to.equal(true);
        expect(r.lines.size).to.equal(9);
        expect(r.lines.get("adapter-timing")).to.contain(`relist ${SCRAPE_SECONDS}s, max-age ${2 * SCRAPE_SECONDS}s (the local environment's adapter) vs ${SCRAPE_SECONDS}s scrapes`);
        const json = await doctor(["--namespace", LOOP_NS, "--service", deployed.outputs.serviceName, "--json"]);
        expect(json.code).to.equal(0);
        expect(JSON.parse(json.stdout)).to.include({ ok: true, firstBroken: null });
    });

    it("the HPA naming a metric the adapter does not serve: hpa, fix names the metric", async () => {
        const patch = (name: string) => kubectl(["patch", "hpa", deployed.outputs.hpaName, "--type=json", "-p", JSON.stringify([{ op: "replace", path: "/spec/metrics/0/pods/metric/name", value: name }])]);
        patch("vllm:num_requests_queued");
        try {
            const r = await doctorUntil("HPA on an unserved metric", (x) => x.firstBroken === "hpa", 30_000);
            expectBroken(r, "hpa", new RegExp(`asks for "vllm:num_requests_queued", which the adapter does not serve .* fix: scale on the Pods metric ${QUEUE_METRIC}`));
        } finally {
            patch(QUEUE_METRIC);
        }
    });

    it(`a relist shorter than the ${SCRAPE_SECONDS} s scrape: adapter-timing, fix gives the stack's adapterSettings`, async () => {
        env.configureAdapter(deployed.outputs.adapterRules, { metricsRelistInterval: "2s", metricsMaxAge: "2s" });
        try {
            const r = await doctorUntil("relist 2s under 5s scrapes", (x) => x.lines.get("adapter-timing")?.startsWith("BROKEN") ?? false, 30_000);
            expect(r.code).to.equal(1);
            const s = deployed.outputs.adapterSettings;
            expect(r.lines.get("adapter-timing")).to.match(/^BROKEN /).and.contain("relist 2s, max-age 2s").and.contain(`fix: restart the adapter with --metrics-relist-interval=${s.metricsRelistInterval} --metrics-max-age=${s.metricsMaxAge}`);
            // An empty series list (the fault's effect) may show one link earlier; then it points here.
            expect(r.firstBroken).to.be.oneOf(["adapter-timing", "adapter-lists-metric"]);
            if (r.firstBroken === "adapter-lists-metric") expect(r.lines.get("adapter-lists-metric")).to.contain("relist window is shorter than the scrape interval");
        } finally {
            env.configureAdapter(deployed.outputs.adapterRules, deployed.outputs.adapterSettings);
        }
    });

    it("the adapter without the rule (it has one for another metric): adapter-lists-metric, fix names the adapterRules output", async () => {
        // Not `rules: []`: prometheus-adapter v0.12.0 with no custom rule at all does not serve
        // custom.metrics.k8s.io (404), so the environment's adapter never becomes Available.
        const doc = parse(deployed.outputs.adapterRules) as { rules: { seriesQuery: string; name: { matches: string; as: string } }[] };
        doc.rules[0].seriesQuery = doc.rules[0].seriesQuery.replace(QUEUE_METRIC, OTHER_METRIC);
        doc.rules[0].name = { matches: `^${OTHER_METRIC}$`, as: OTHER_METRIC };
        env.configureAdapter(stringify(doc), deployed.outputs.adapterSettings);
        try {
            const r = await doctorUntil("adapter with a rule for another metric only", (x) => x.firstBroken === "adapter-lists-metric", 30_000);
            expectBroken(r, "adapter-lists-metric", /does not list pods\/vllm:num_requests_waiting .* fix: give the adapter the stack's rule \(the adapterRules output/);
        } finally {
            env.configureAdapter(deployed.outputs.adapterRules, deployed.outputs.adapterSettings);
        }
    });

    it("ServiceMonitor labels no Prometheus selects: servicemonitor-selected, fix names serviceMonitorLabels", async () => {
        kubectl(["label", "servicemonitor", deployed.outputs.serviceName, "release=wrong", "--overwrite"]);
        try {
            const r = await doctorUntil("ServiceMonitor labelled release=wrong", (x) => x.firstBroken === "servicemonitor-selected", 30_000);
            expectBroken(r, "servicemonitor-selected", /labels .*release=wrong.*monitoring\/local selects release=kube-prom .* fix: set the stack's serviceMonitorLabels to \{"release":"kube-prom"\}/);
        } finally {
            kubectl(["label", "servicemonitor", deployed.outputs.serviceName, "release=kube-prom", "--overwrite"]);
        }
    });

    it("a pod that is not Ready (simulator /health failing): pods-ready, fix says how to look", async () => {
        kube.kubectl(["annotate", "namespace", LOOP_NS, `${HEALTH_FAIL}=0`, "--overwrite"]);
        const selector = `app.kubernetes.io/instance=${deployed.outputs.serviceName}`;
        try {
            kubectl(["delete", "pods", "-l", selector, "--wait=false"]);
            const r = await doctorUntil("pod with failing /health", (x) => x.firstBroken === "pods-ready", 60_000);
            expectBroken(r, "pods-ready", /pods not Ready: .* fix: kubectl -n vllm-loop describe pod /);
        } finally {
            kube.kubectl(["annotate", "namespace", LOOP_NS, `${HEALTH_FAIL}-`]);
            kubectl(["delete", "pods", "-l", selector, "--wait=false"]);
        }
    });

    it("after every restore, every link holds again", async () => {
        const started = Date.now();
        const r = await doctorUntil("restored", (x) => x.code === 0, 150_000);
        console.log(`      measured: every link ok again ${((Date.now() - started) / 1000).toFixed(0)} s after the last restore`);
        expect(r.code, r.stdout).to.equal(0);
    });

    it("bad input: a stack that does not exist, a namespace without the objects, a namespace that does not exist (one line each, exit 2)", async () => {
        const cases: [string[], string][] = [
            [["--stack", "no-such-stack", "--workspace", path.join(tmp, "ws")], "doctor: stack no-such-stack does not exist in "],
            [["--namespace", "default", "--service", "vllm-server"], "doctor: namespace default has no Deployment vllm-server and no Service vllm-server (is the stack deployed to this cluster?)"],
            [["--namespace", "no-such-namespace", "--service", "vllm-server"], "doctor: namespace no-such-namespace does not exist on the cluster at https://127.0.0.1:"],
        ];
        for (const [args, message] of cases) {
            const r = await doctor(args);
            // The toolchain check's progress (PulumiWorkspace runs tools/ensure-toolchain.sh, which lists
            // every cached component on stderr) is not the doctor's output.
            const lines = doctorStderr(r).split("\n");
            console.log(`      doctor ${args.join(" ")} -> exit ${r.code}: ${lines.join(" | ")}`);
            expect(r.code, r.stdout + r.stderr).to.equal(2);
            expect(r.stdout).to.equal("");
            expect(lines).to.have.length(1);
            expect(lines[0]).to.contain(message);
        }
    });
});
