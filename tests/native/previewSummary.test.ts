/**
 * `npm run preview:summary` (the PR comment of .github/workflows/preview.yml) on the local
 * environment: the real CLI and engine, the policy pack with the stack's pack config, and the
 * local control plane. A clean stack, a stack whose raw resources trip mandatory policies, and
 * stacks that fail to preview (invalid config, no such stack) each get a useful summary.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ClusterInfo, ensureClusterToolchain, registerCleanup, startCluster, stopCluster } from "../../env/cluster";
import { PulumiWorkspace } from "../../scripts/pulumi-workspace";
import { REPO_ROOT, toolchainEnv } from "../../scripts/toolchain";

/** `npm run --silent preview:summary -- --stack STACK --dir <ws's project>` with the workspace's backend. */
function summary(ws: PulumiWorkspace, stack: string): { code: number | null; markdown: string; stderr: string } {
    const r = spawnSync("npm", ["run", "--silent", "preview:summary", "--", "--stack", stack, "--dir", ws.projectDir],
        { cwd: REPO_ROOT, env: ws.env, encoding: "utf8", timeout: 10 * 60_000 });
    return { code: r.status, markdown: r.stdout, stderr: r.stderr };
}

describe("@integration preview:summary (the PR comment)", function () {
    this.timeout(60 * 60_000);
    const stateDir = path.join(REPO_ROOT, ".cache", "test-cluster-summary");
    let tmp: string; // made in before(): mocha loads this file even when --grep skips the suite
    const apiKey = `key-sum-${crypto.randomBytes(16).toString("hex")}`;
    let cluster: ClusterInfo;
    let dev: PulumiWorkspace;

    before(async function () {
        registerCleanup();
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-pulumi-summary-"));
        const env = toolchainEnv();
        const binDirs = ensureClusterToolchain({ binDirs: (env.PATH ?? "").split(path.delimiter) });
        cluster = await startCluster({ binDirs, stateDir, reuse: false });
        dev = new PulumiWorkspace({ dir: path.join(tmp, "dev"), kubeconfig: cluster.kubeconfig });
        await dev.selectStack("dev");
        await dev.setSecret("apiKey", apiKey); // no pulumi-random provider here (tools/README.md)
    });

    after(async function () {
        if (cluster && !cluster.reused) {
            await stopCluster({ stateDir });
        }
        if (tmp) {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("a clean stack: changes by operation, no violations, exit 0", () => {
        const r = summary(dev, "dev");
        expect(r.code, r.stderr + r.markdown).to.equal(0);
        expect(r.markdown).to.contain("### `pulumi preview` of stack `dev`: succeeded");
        expect(r.markdown).to.match(/^\| create \| \d+ \| .*`kubernetes:apps\/v1:Deployment` vllm-server/m);
        expect(r.markdown).to.contain("`kubernetes:autoscaling/v2:HorizontalPodAutoscaler` vllm-server");
        expect(r.markdown).to.contain("No policy violations.");
        expect(r.markdown).to.not.contain(apiKey);
    });

    it("raw resources that trip mandatory policies: grouped by policy, with level, resource and fix; exit 1", async () => {
        const bad = new PulumiWorkspace({ dir: path.join(tmp, "bad"), programDir: path.join(__dirname, "..", "integration", "programs", "bad-stack"), kubeconfig: cluster.kubeconfig });
        await bad.selectStack("bad");
        const r = summary(bad, "bad");
        expect(r.code, r.stderr + r.markdown).to.equal(1);
        expect(r.markdown, r.markdown + r.stderr).to.contain("#### Policy violations");
        expect(r.markdown).to.contain("The mandatory policy violations above block the update.");
        for (const policy of ["vllm-image-pinned", "vllm-tp-matches-gpus", "hpa-no-gpu-utilization"]) {
            expect(r.markdown).to.contain(`**\`${policy}\`**: mandatory (blocks the update)`);
        }
        const pinned = r.markdown.slice(r.markdown.indexOf("**`vllm-image-pinned`**"));
        expect(pinned).to.match(/^- `kubernetes:apps\/v1:Deployment` unpinned: .*latest/m);
        expect(pinned).to.match(/^- \*\*Fix:\*\* Set the image to an exact release tag/m);
    });

    it("a stack that fails to preview: the component's error, never an empty summary; exit 1", async () => {
        await dev.setConfig("minReplicas", "3"); // the dev stack has maxReplicas 2
        try {
            const r = summary(dev, "dev");
            expect(r.code).to.equal(1);
            expect(r.markdown).to.contain("### `pulumi preview` of stack `dev`: **failed**");
            expect(r.markdown).to.contain("#### Error");
            expect(r.markdown).to.match(/maxReplicas: must be >= minReplicas \(3\)/);
        } finally {
            await dev.setConfig("minReplicas", "1");
        }
    });

    it("a stack that does not exist: says so; exit 1", () => {
        const r = summary(dev, "nope");
        expect(r.code).to.equal(1);
        expect(r.markdown).to.contain("**failed**").and.to.contain("error: no stack named 'nope' found");
        expect(r.markdown).to.contain("#### Error");
    });
});
