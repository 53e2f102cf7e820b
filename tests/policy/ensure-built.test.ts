/**
 * Compiled output never goes stale: ensure-built (used by the parser package, the compiled pack
 * and check-manifests) rebuilds when a source is newer than the last build, and only then.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const { ensureBuilt } = require("@vllm-pulumi/kube-parser/ensure-built");

describe("ensure-built: compiled output is rebuilt when a source is newer @integration", function () {
    this.timeout(60_000);
    let dir: string;
    const project = () => ({ name: "fixture project", tsconfig: path.join(dir, "tsconfig.json"), sources: [path.join(dir, "src")], stamp: path.join(dir, "bin", ".built") });
    const load = () => {
        const file = path.join(dir, "bin", "a.js");
        delete require.cache[file];
        return require(file).value;
    };
    const write = (code: string, secondsFromNow: number) => {
        const file = path.join(dir, "src", "a.ts");
        fs.writeFileSync(file, code);
        const t = new Date(Date.now() + secondsFromNow * 1000);
        fs.utimesSync(file, t, t);
    };

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ensure-built-"));
        fs.mkdirSync(path.join(dir, "src"));
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "commonjs", target: "ES2022", types: [], rootDir: "src", outDir: "bin" }, include: ["src/**/*.ts"] }));
        fs.symlinkSync(path.join(__dirname, "..", "..", "node_modules"), path.join(dir, "node_modules"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("builds when never built, rebuilds after an edit, and leaves a fresh build alone", () => {
        write("export const value: number = 1;\n", -10);
        ensureBuilt(project());
        expect(load()).to.equal(1);
        const stamped = fs.statSync(project().stamp).mtimeMs;
        ensureBuilt(project());
        expect(fs.statSync(project().stamp).mtimeMs, "no rebuild without a change").to.equal(stamped);
        write("export const value: number = 2;\n", 5);
        ensureBuilt(project());
        expect(load()).to.equal(2);
    });

    it("fails loudly and keeps the old stamp when the sources do not compile", () => {
        write("export const value: number = 1;\n", -10);
        ensureBuilt(project());
        const stamped = fs.statSync(project().stamp).mtimeMs;
        write("export const value: number = 'two';\n", 5);
        expect(() => ensureBuilt(project())).to.throw(/fixture project: tsc -p .* failed/);
        expect(fs.statSync(project().stamp).mtimeMs).to.equal(stamped);
        expect(fs.existsSync(project().stamp + ".lock"), "lock released").to.equal(false);
    });
});
