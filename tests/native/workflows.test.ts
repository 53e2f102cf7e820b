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
import { REPO_ROOT } from "../../scripts/toolchain";

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

describe("GitHub Actions workflows", function () {
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

    for (const file of fs.existsSync(WORKFLOWS) ? workflowFiles() : []) {
        const doc = parse(fs.readFileSync(path.join(REPO_ROOT, file), "utf8"));
        const uses = JSON.stringify(doc).match(/"uses":"[^"]+"/g)?.map((u) => u.slice(8, -1)) ?? [];

        it(`${file}: pins every action by a full commit SHA`, () => {
            for (const u of uses.filter((x) => !x.startsWith("./"))) {
                expect(u, u).to.match(/^[\w.-]+\/[\w.\/-]+@[0-9a-f]{40}$/);
            }
        });

        it(`${file}: declares least-privilege permissions at the top`, () => {
            expect(doc.permissions, "top-level permissions").to.be.an("object");
            const granted = Object.entries(doc.permissions as Record<string, string>).filter(([, v]) => v === "write").map(([k]) => k);
            expect(granted).to.satisfy((g: string[]) => g.every((k) => k === "pull-requests"), `write: ${granted}`);
        });
    }

    it("deploys prod only after dev, in the prod environment", () => {
        const deploy = parse(fs.readFileSync(path.join(WORKFLOWS, "deploy.yml"), "utf8"));
        const up = parse(fs.readFileSync(path.join(WORKFLOWS, "pulumi-up.yml"), "utf8"));
        expect(deploy.on.push.branches).to.deep.equal(["main"]);
        expect(deploy.jobs.prod).to.deep.include({ needs: "dev", with: { stack: "prod" } });
        expect(up.jobs.up.environment).to.equal("${{ inputs.stack }}");
        expect(up.jobs.up.steps.at(-1).run).to.contain("--policy-pack policy");
    });
});
