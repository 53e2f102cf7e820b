/**
 * `npm run doctor` on bad input: one line naming the problem, exit 2, never a stack trace; and
 * nothing slow is started for it. (A stack that does not exist and a namespace without the
 * objects need the Pulumi CLI and a cluster: doctor.integration.test.ts.)
 */
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { TS_NODE } from "../../env/inside";
import { CliResult, doctorCli } from "../../doctor/cli";
import { REPO_ROOT } from "../../scripts/toolchain";

const CLI = path.join(REPO_ROOT, "scripts", "doctor.ts");

type Run = CliResult;

/** The doctor's command line in-process, with KUBECONFIG and PROMETHEUS_URL unset unless given. */
function doctor(args: string[], variables: NodeJS.ProcessEnv = {}): Promise<Run> {
    const base = { ...process.env };
    delete base.KUBECONFIG;
    delete base.PROMETHEUS_URL;
    return doctorCli(args, { ...base, ...variables });
}

/** The real entry point, as `npm run doctor` starts it. */
function doctorProcess(args: string[]): Promise<Run> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [...TS_NODE, CLI, ...args], { cwd: REPO_ROOT });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (code) => resolve({ code: code as Run["code"], stdout, stderr }));
    });
}

/** Exit 2 and exactly one line on stderr (usage errors add the usage text after it). */
function expectBadInput(r: Run, message: string | RegExp, usage = false): void {
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr).not.to.match(/\n\s+at /); // no stack trace
    // The parser package rebuilds itself when a source is newer and says so: not the doctor's output.
    const lines = r.stderr.trimEnd().split("\n").filter((l) => !l.startsWith("[build]"));
    if (typeof message === "string") expect(lines[0]).to.contain(message);
    else expect(lines[0]).to.match(message);
    if (!usage) expect(lines).to.have.length(1);
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    return port;
}

function kubeconfigFor(server: string): string {
    return stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "c", cluster: { server, "insecure-skip-tls-verify": true } }],
        users: [{ name: "u", user: { token: "not-a-real-token" } }],
        contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
        "current-context": "x",
    });
}

describe("doctor CLI: bad input", function () {
    this.timeout(60_000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "doctor-cli-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("an unknown flag: names it, prints the usage, exit 2", async () => {
        expectBadInput(await doctor(["--stak", "dev"]), "Unknown option '--stak'", true);
    });

    it("the entry point npm runs: the same line and exit code from a real process @process", async () => {
        expectBadInput(await doctorProcess(["--stak", "dev"]), "Unknown option '--stak'", true);
    });

    it("no target: asks for --stack or --namespace/--service", async () => {
        expectBadInput(await doctor(["--kubeconfig", "/nonexistent"]), "name the target: --stack NAME, or --namespace NS --service NAME");
    });

    it("a cluster it cannot reach: names the server", async () => {
        const port = await closedPort();
        const kc = path.join(dir, "unreachable.yaml");
        fs.writeFileSync(kc, kubeconfigFor(`https://127.0.0.1:${port}`));
        const r = await doctor(["--namespace", "vllm-dev", "--service", "vllm-server", "--kubeconfig", kc]);
        expectBadInput(r, new RegExp(`^doctor: cannot reach the cluster at https://127\\.0\\.0\\.1:${port} \\(kubeconfig .*unreachable\\.yaml\\): .*ECONNREFUSED`));
    });

    it("an unreadable kubeconfig (from KUBECONFIG): names the file", async () => {
        const kc = path.join(dir, "missing.yaml");
        expectBadInput(await doctor(["--namespace", "n", "--service", "s"], { KUBECONFIG: kc }), `doctor: cannot read kubeconfig ${kc}`);
    });

    it("no cluster at all (no KUBECONFIG, no local environment): says how to get one", async () => {
        const r = await doctor(["--namespace", "n", "--service", "s", "--env-dir", path.join(dir, "no-env")]);
        expectBadInput(r, "doctor: no cluster: set KUBECONFIG (or --kubeconfig), or start the local environment with `npm run demo`");
    });

    it("a Prometheus URL that is not one", async () => {
        expectBadInput(await doctor(["--namespace", "n", "--service", "s", "--prometheus-url", "localhost:9090"]), '--prometheus-url "localhost:9090" must be http:// or https://');
    });

    it("a stack name Pulumi cannot have, and a workspace folder without state: before any Pulumi call", async () => {
        expectBadInput(await doctor(["--stack", "dev; rm -rf /"]), '--stack "dev; rm -rf /" is not a Pulumi stack name');
        const empty = path.join(dir, "empty-workspace");
        fs.mkdirSync(empty);
        expectBadInput(await doctor(["--stack", "dev", "--workspace", empty]), `--workspace ${empty} holds no Pulumi workspace (no state/ folder)`);
    });
});
