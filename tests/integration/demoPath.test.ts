/**
 * The path a newcomer walks, with the defaults they get (issue 14): `npm run demo`, then the
 * README's own `npm run demo:load` command, on the dev stack as shipped (15 s scrapes, the
 * component's HPA behaviour, the demo's small simulated GPU). The elasticity tests tune scrapes to
 * 5 s to run fast; this is their sibling with nothing tuned.
 *
 * It runs twice. Between the runs the stack is destroyed, the test waits a random offset (printed)
 * and `npm run demo` runs again, which restarts prometheus-adapter: its relists then fall at another
 * phase against the scrapes and the HPA's syncs, so a phase-locked failure (an adapter relisting
 * more often than Prometheus scrapes, whose windows the HPA always hits empty) cannot hide.
 *
 * Between the runs it also runs the README's `npm run upgrade` on that stack, as shipped: the sibling of
 * tests/upgrade/, which tunes scrapes, the TTFT window and leaves the HPA out to run fast.
 *
 * Bound on scale-up, from the load's start: one scrape of the queue + one adapter relist (a series
 * list that missed the metric) + one HPA sync + slack for the load's ramp and the 3 s tick.
 */
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as shellParse } from "shell-quote";
import { durationMs } from "@vllm-pulumi/kube-parser";
import { readEnvironment, stopEnvironment } from "../../env/environment";
import { PulumiWorkspace } from "../../scripts/pulumi-workspace";
import { REPO_ROOT } from "../../scripts/toolchain";
import { HPA_SYNC_SECONDS } from "./loop/loopStack";

const DEMO_DIR = path.join(REPO_ROOT, ".cache", "test-demo-path");
const ENV_DIR = path.join(REPO_ROOT, ".cache", "test-demo-path-env");
const SLACK_SECONDS = 15;
const SCALED = /^scaled (\d+) -> (\d+) replicas in (\d+) s/;

/** The `npm run demo:load -- ...` command of the README's Quick start, as the words a user types. */
function readmeLoadCommand(readme: string): string[] {
    const line = readme.split("\n").find((l) => l.startsWith("npm run demo:load -- "));
    if (!line) throw new Error("the README has no `npm run demo:load -- ...` line");
    const words = shellParse(line.replace(/#.*$/, "").trim());
    if (!words.every((w): w is string => typeof w === "string")) throw new Error(`the README's demo:load line is not a plain command: ${line}`);
    return words;
}

/** The README's `npm run upgrade -- --stack dev --image ...` line, without its optional `[...]` flags. */
function readmeUpgradeCommand(readme: string): string[] {
    const line = readme.split("\n").find((l) => l.startsWith("npm run upgrade -- --stack dev --image "));
    if (!line) throw new Error("the README has no `npm run upgrade -- --stack dev --image ...` line");
    const words = shellParse(line.replace(/\[.*$/, "").trim());
    if (!words.every((w): w is string => typeof w === "string")) throw new Error(`the README's upgrade line is not a plain command: ${line}`);
    return words;
}

/** Runs an npm script as a user would, with the test's own demo and environment dirs; output to a log. */
function npm(words: string[], log: string, timeoutMs: number): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, VLLM_PULUMI_DEMO_DIR: DEMO_DIR, VLLM_PULUMI_ENV_DIR: ENV_DIR };
    delete env.KUBECONFIG; // a newcomer without a cluster gets the local environment
    const [cmd, ...args] = words;
    return new Promise((resolve, reject) => {
        const child: ChildProcess = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        const take = (d: Buffer) => {
            out += d;
            fs.appendFileSync(log, d);
        };
        child.stdout!.on("data", take);
        child.stderr!.on("data", take);
        const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
        child.on("exit", (code, signal) => {
            clearTimeout(timer);
            if (code === 0) resolve(out);
            else reject(new Error(`\`${words.join(" ")}\` failed (exit ${code ?? signal}); last output:\n${out.split("\n").slice(-40).join("\n")}`));
        });
    });
}

describe("@integration @elasticity the demo path with the shipped defaults (npm run demo, then the README's demo:load)", function () {
    this.timeout(40 * 60_000);
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const loadCommand = readmeLoadCommand(readme);
    let logDir: string;
    let bound: number;

    before(async function () {
        fs.rmSync(DEMO_DIR, { recursive: true, force: true });
        logDir = fs.mkdtempSync(path.join(REPO_ROOT, ".cache", "test-demo-path-logs-"));
        await npm(["npm", "run", "demo"], path.join(logDir, "demo-1.log"), 30 * 60_000);
        const outputs = JSON.parse(fs.readFileSync(path.join(DEMO_DIR, "outputs.json"), "utf8")) as { adapterSettings?: { metricsRelistInterval: string } };
        expect(outputs.adapterSettings, "the demo records the stack's adapterSettings").to.not.equal(undefined);
        const scrape = durationMs("15s")! / 1000; // Pulumi.dev.yaml sets no scrapeInterval: the component's default
        const relist = durationMs(outputs.adapterSettings!.metricsRelistInterval)! / 1000;
        expect(relist, "the adapter relists no more often than Prometheus scrapes").to.be.at.least(scrape);
        bound = scrape + relist + HPA_SYNC_SECONDS + SLACK_SECONDS;
    });

    after(async function () {
        this.timeout(10 * 60_000);
        await npm(["npm", "run", "demo:down"], path.join(logDir ?? DEMO_DIR, "demo-down.log"), 8 * 60_000).catch((e) => console.error(e.message));
        // Whatever demo:down managed, nothing the test started keeps running.
        if (readEnvironment(ENV_DIR)) await stopEnvironment({ stateDir: ENV_DIR, log: () => undefined });
    });

    async function loadScalesUp(run: number): Promise<void> {
        const out = await npm(loadCommand, path.join(logDir, `load-${run}.log`), 10 * 60_000);
        const summary = out.split("\n").find((l) => l.startsWith("scaled") || l.startsWith("stayed")) ?? "(no summary line)";
        console.log(`      measured: run ${run}: ${summary}`);
        const m = SCALED.exec(summary);
        expect(m, `the load scaled the dev stack above one replica: ${summary}`).to.not.equal(null);
        expect(Number(m![1])).to.equal(1);
        expect(Number(m![2])).to.be.greaterThan(1);
        expect(Number(m![3]), `scale-up within scrape + relist + HPA sync + slack = ${bound} s`).to.be.at.most(bound);
        expect(summary).to.match(/; \d+ ok, 0 failed;/);
    }

    it("runs the README's demo:load command as written (the words a user copies)", () => {
        expect(loadCommand.slice(0, 4)).to.deep.equal(["npm", "run", "demo:load", "--"]);
        expect(loadCommand).to.include("--seconds");
    });

    it("scales above one replica within the bound on the first run", async () => {
        await loadScalesUp(1);
    });

    // The sibling of tests/upgrade/ (5 s scrapes, a 15 s TTFT window, no HPA): the README's upgrade
    // command on the demo's stack as shipped (15 s scrapes, the HPA, the default 60 s TTFT window),
    // under a light load long enough to cover the rollout, the gates' window and completion.
    it("upgrades with the README's command and the shipped gates, failing no client request", async () => {
        const upgrade = readmeUpgradeCommand(readme);
        // 240 s: the upgrade measured 172 s (its TTFT window closed at ~130 s), so the load outlasts the rollout.
        const load = npm(["npm", "run", "demo:load", "--", "--seconds", "240", "--concurrency", "4"], path.join(logDir, "load-upgrade.log"), 10 * 60_000);
        await new Promise((r) => setTimeout(r, 10_000)); // the load is running before the canary comes
        const t0 = Date.now();
        const out = await npm(upgrade, path.join(logDir, "upgrade.log"), 15 * 60_000);
        const verdict = out.split("\n").find((l) => l.startsWith("upgrade: completed")) ?? "(no completed line)";
        console.log(`      measured: ${verdict.replace(/; report .*/, "")} (wall ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
        expect(verdict).to.match(/^upgrade: completed in /);
        const summary = (await load).split("\n").find((l) => l.startsWith("scaled") || l.startsWith("stayed")) ?? "(no summary line)";
        console.log(`      measured: load during the upgrade: ${summary}`);
        expect(summary).to.match(/; \d+ ok, 0 failed;/);
    });

    it("scales again after a fresh stack and a random offset (adapter restarted at another phase)", async () => {
        const ws = new PulumiWorkspace({ dir: DEMO_DIR, kubeconfig: readEnvironment(ENV_DIR)!.kubeconfig });
        await ws.selectStack("dev");
        await ws.destroy({ timeoutMs: 10 * 60_000 });
        const offsetMs = Math.floor(Math.random() * 15_000);
        console.log(`      measured: random offset before the second demo: ${(offsetMs / 1000).toFixed(1)} s`);
        await new Promise((r) => setTimeout(r, offsetMs));
        await npm(["npm", "run", "demo"], path.join(logDir, "demo-2.log"), 15 * 60_000);
        await loadScalesUp(2);
    });
});
