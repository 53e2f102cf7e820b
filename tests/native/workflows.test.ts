/**
 * The GitHub Actions workflows (.github/workflows/) are linted by actionlint, built from its
 * pinned Go module (tools/actionlint), and follow the project's rules: every action pinned by a
 * full commit SHA, least-privilege `permissions` declared, prod behind an environment.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { REPO_ROOT, toolchainEnv } from "../../scripts/toolchain";

const WORKFLOWS = path.join(REPO_ROOT, ".github", "workflows");

interface Finding { message: string; filepath: string; line: number; column: number; kind: string }

/** The actionlint binary (built on first use; tools/ensure-toolchain.sh prints its bin dir last). */
function actionlint(): string {
    const out = execFileSync("bash", [path.join(REPO_ROOT, "tools", "ensure-toolchain.sh"), "actionlint"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    return path.join(out.trim().split("\n").pop()!, "actionlint");
}

/** actionlint's findings for `files` (JSON output: one object per finding). */
function lint(bin: string, files: string[], cwd = REPO_ROOT): Finding[] {
    const r = spawnSync(bin, ["-format", "{{json .}}", ...files], { cwd, encoding: "utf8" });
    if (r.status !== 0 && r.status !== 1) {
        throw new Error(`actionlint failed (exit ${r.status}): ${r.stderr}`);
    }
    return JSON.parse(r.stdout || "[]") as Finding[];
}

function report(findings: Finding[]): string {
    return findings.map((f) => `${f.filepath}:${f.line}:${f.column}: ${f.message} [${f.kind}]`).join("\n");
}

function workflowFiles(): string[] {
    return fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(".github", "workflows", f));
}

// actionlint is a Go program from the toolchain: integration, so `npm run test:unit` builds no Go.
describe("GitHub Actions workflows: actionlint @integration", function () {
    this.timeout(20 * 60_000); // a cold build of actionlint waits for the toolchain lock
    let bin: string;
    before(() => {
        bin = actionlint();
    });

    it("pass actionlint (findings name file and line)", () => {
        const findings = lint(bin, workflowFiles());
        expect(findings, report(findings)).to.deep.equal([]);
    });

    it("actionlint reports a broken workflow with its file and line", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-"));
        try {
            const file = path.join(dir, "broken.yml");
            fs.writeFileSync(file, "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.event.nope.nope }}\n        shell: bsh\n");
            const findings = lint(bin, [file], dir);
            expect(findings.length).to.be.greaterThan(0);
            expect(report(findings)).to.match(/broken\.yml:7:\d+: .*bsh/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

const ACTIONS = path.join(REPO_ROOT, ".github", "actions");
/** The repository's own composite actions (`uses: ./.github/actions/NAME`). */
function actionFiles(): string[] {
    return fs.existsSync(ACTIONS) ? fs.readdirSync(ACTIONS).map((d) => path.join(".github", "actions", d, "action.yml")) : [];
}
const load = (file: string) => parse(fs.readFileSync(path.join(REPO_ROOT, file), "utf8"));
const stepsOf = (doc: any): any[] => (doc.runs?.steps ?? Object.values<any>(doc.jobs ?? {}).flatMap((j) => j.steps ?? []));
const runText = (doc: any) => stepsOf(doc).map((s) => s.run ?? "").join("\n");

describe("GitHub Actions workflows", function () {
    for (const file of [...(fs.existsSync(WORKFLOWS) ? workflowFiles() : []), ...actionFiles()]) {
        const doc = load(file);
        const uses = JSON.stringify(doc).match(/"uses":"[^"]+"/g)?.map((u) => u.slice(8, -1)) ?? [];

        it(`${file}: pins every action by a full commit SHA, with the release tag beside it`, () => {
            const text = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
            for (const u of uses.filter((x) => !x.startsWith("./"))) {
                expect(u, u).to.match(/^[\w.-]+\/[\w.\/-]+@[0-9a-f]{40}$/);
                expect(text, `${u}: a "# vX.Y.Z" comment names the release`).to.match(new RegExp(`${u.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} # v\\d+\\.\\d+\\.\\d+`));
            }
        });

        if (file.startsWith(path.join(".github", "workflows"))) {
            it(`${file}: declares least-privilege permissions at the top`, () => {
                expect(doc.permissions, "top-level permissions").to.be.an("object");
                const granted = Object.entries(doc.permissions as Record<string, string>).filter(([, v]) => v === "write").map(([k]) => k);
                expect(granted).to.satisfy((g: string[]) => g.every((k) => k === "pull-requests"), `write: ${granted}`);
            });
        }
    }

    it("set up Pulumi as GitHub users expect: pulumi/actions for the CLI, npm cache, plugins at the SDKs' versions, nothing built from Go", () => {
        const setup = load(path.join(".github", "actions", "pulumi-setup", "action.yml"));
        const steps = stepsOf(setup);
        expect(steps.find((s) => String(s.uses).startsWith("pulumi/actions@")), "pulumi/actions").to.not.equal(undefined);
        expect(steps.find((s) => String(s.uses).startsWith("pulumi/actions@")).with).to.not.have.property("command"); // install only
        const node = steps.find((s) => String(s.uses).startsWith("actions/setup-node@"));
        expect(node.with.cache).to.equal("npm");
        expect(node.with["cache-dependency-path"]).to.contain("policy/package-lock.json");
        expect(runText(setup)).to.contain("node scripts/ensure-deps.js").and.contain("pulumi plugin install resource");
        expect(runText(setup)).to.contain("VLLM_PULUMI_TOOLCHAIN=installed");
        for (const file of ["preview.yml", "pulumi-up.yml"]) {
            const doc = load(path.join(".github", "workflows", file));
            expect(stepsOf(doc).map((s) => s.uses), file).to.include("./.github/actions/pulumi-setup");
            expect(JSON.stringify(doc), `${file} builds no Go`).to.not.match(/setup-go|ensure-toolchain|tools\/env\.sh/);
        }
    });

    it("comment on the PR with npm run preview:summary, per stack, with the policy pack (its per-stack config is read by the script)", () => {
        const preview = load(path.join(".github", "workflows", "preview.yml"));
        expect(preview.on).to.have.property("pull_request");
        expect(preview.jobs.preview.strategy.matrix.stack).to.deep.equal(["dev", "prod"]);
        expect(runText(preview)).to.contain('npm run --silent preview:summary -- --stack "$STACK"');
        expect(stepsOf(preview).some((s) => String(s.uses).startsWith("actions/github-script@"))).to.equal(true);
    });

    it("keep the Go toolchain build as a hand-run offline fallback only", () => {
        const fallback = load(path.join(".github", "workflows", "toolchain-fallback.yml"));
        expect(Object.keys(fallback.on)).to.deep.equal(["workflow_dispatch"]);
        expect(runText(fallback)).to.contain("bash tools/ensure-toolchain.sh").and.contain("preview:summary");
        expect(fallback.jobs.preview.env.VLLM_PULUMI_TOOLCHAIN).to.equal("built");
        const others = workflowFiles().filter((f) => !f.endsWith("toolchain-fallback.yml"));
        for (const file of others) {
            expect(runText(load(file)), file).to.not.contain("ensure-toolchain");
        }
    });

    it("deploys prod only after dev, in the prod environment, with the pack and its per-stack config", () => {
        const deploy = load(path.join(".github", "workflows", "deploy.yml"));
        const up = load(path.join(".github", "workflows", "pulumi-up.yml"));
        expect(deploy.on.push.branches).to.deep.equal(["main"]);
        expect(deploy.jobs.prod).to.deep.include({ needs: "dev", with: { stack: "prod" } });
        expect(up.jobs.up.environment).to.equal("${{ inputs.stack }}");
        expect(up.jobs.up.steps.at(-1).run).to.contain("--policy-pack policy").and.contain('policy/config/$STACK.json');
    });
});

describe("VLLM_PULUMI_TOOLCHAIN (the workflows' switch to the installed CLI)", () => {
    const saved = process.env.VLLM_PULUMI_TOOLCHAIN;
    afterEach(() => {
        if (saved === undefined) delete process.env.VLLM_PULUMI_TOOLCHAIN;
        else process.env.VLLM_PULUMI_TOOLCHAIN = saved;
    });

    it("installed: the environment as is, nothing built or put on PATH", () => {
        process.env.VLLM_PULUMI_TOOLCHAIN = "installed";
        expect(toolchainEnv()).to.equal(process.env);
    });

    it("refuses another value, naming the variable and the choices", () => {
        process.env.VLLM_PULUMI_TOOLCHAIN = "go";
        expect(() => toolchainEnv()).to.throw(/VLLM_PULUMI_TOOLCHAIN must be "installed" .* or "built" .*got "go"/);
    });
});
