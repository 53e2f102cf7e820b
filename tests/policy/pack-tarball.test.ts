/**
 * The pack as users publish it: `npm pack` of policy/ (what `pulumi policy publish` packs),
 * installed from the tarball into an empty folder, served by run-policy-pack from that folder
 * and run on every fixture. Proves the tarball carries the shared parser (bundled) and runs
 * without the repository, TypeScript or ts-node. Installs from the npm cache first
 * (--prefer-offline); only what is missing there comes from the registry.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AnalyzerSession, startAnalyzer } from "./analyzer";
import { expectedViolations, fixture, fixtureNames, REPO_ROOT } from "./support";

/** Policies that run per resource; the stack policy is exercised through the engine elsewhere. */
const STACK_POLICIES = new Set(["servicemonitor-selects-service"]);

describe("policy pack from its npm tarball, installed in an empty folder @integration", function () {
    this.timeout(300_000);
    let tmp: string;
    let packDir: string;
    let session: AnalyzerSession | undefined;

    before(async function () {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policy-tarball-"));
        const npm = (args: string[], cwd: string) => execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        const packed = npm(["pack", "--pack-destination", tmp], path.join(REPO_ROOT, "policy")).trim().split("\n").pop()!;
        const app = path.join(tmp, "app");
        fs.mkdirSync(app);
        fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "pack-install-check", version: "1.0.0", private: true }));
        npm(["install", "--prefer-offline", "--ignore-scripts", path.join(tmp, packed)], app);
        packDir = path.join(app, "node_modules", "vllm-kubernetes-policy");
        session = await startAnalyzer(packDir);
    });

    after(() => {
        session?.close();
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("ships compiled JavaScript and the bundled parser, no TypeScript sources", () => {
        const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? (e.name === "node_modules" ? [] : files(path.join(dir, e.name)).map(f => `${e.name}/${f}`)) : [e.name]));
        const shipped = files(packDir);
        expect(shipped).to.include.members(["package.json", "pack.js", "PulumiPolicy.yaml", "bin/index.js", "bin/policies/vllmTpMatchesGpus.js", "config/prod.json"]);
        expect(shipped.filter(f => f.endsWith(".ts")), "TypeScript sources in the tarball").to.deep.equal([]);
        const parser = require.resolve("@vllm-pulumi/kube-parser", { paths: [path.join(packDir, "bin", "policies")] });
        expect(parser.startsWith(packDir), `parser resolved at ${parser}`).to.equal(true);
        expect(require.resolve("@pulumi/policy", { paths: [packDir] }).startsWith(tmp), "@pulumi/policy from the install, not the repo").to.equal(true);
    });

    it("reports on every fixture what the pack in the repository reports", async () => {
        let checked = 0;
        for (const name of fixtureNames()) {
            const expected = expectedViolations(name);
            if (!expected) continue; // input check-manifests refuses
            const found = new Map<string, number>();
            for (const r of fixture(name)) {
                for (const d of (await session!.analyze(r.type, r.name, r.props)).getDiagnosticsList()) {
                    found.set(d.getPolicyname(), (found.get(d.getPolicyname()) ?? 0) + 1);
                }
            }
            const want = new Map([...expected].filter(([p]) => !STACK_POLICIES.has(p)));
            expect(Object.fromEntries(found), name).to.deep.equal(Object.fromEntries(want));
            checked++;
        }
        expect(checked).to.be.greaterThan(60);
    });
});
