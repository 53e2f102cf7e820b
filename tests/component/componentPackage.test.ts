/**
 * components/ must stay publishable as a multi-language component package: Pulumi's own
 * analyzer (the one `pulumi package add` runs) has to derive a schema from its TypeScript types.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { componentSchema } from "../../scripts/config-schema";
import { REPO_ROOT } from "../../env/repo";

describe("component package schema @typecheck", function () {
    this.timeout(120_000); // type-checks the whole package
    let schema: ReturnType<typeof componentSchema>;
    before(() => {
        schema = componentSchema(); // shared with the config schema tests: one analysis per run
    });

    it("exposes VllmService with required model and revision and documented optional args", () => {
        const { inputs } = schema.components.VllmService;
        expect(inputs.model).to.deep.include({ type: "string", plain: true });
        expect(inputs.model.optional).to.equal(undefined);
        expect(inputs.modelRevision.optional).to.equal(undefined);
        expect(inputs.tensorParallelSize).to.deep.include({ type: "number", optional: true });
        expect(inputs.tensorParallelSize.description).to.match(/nvidia\.com\/gpu/);
        expect(inputs.sloObjective, "SLO args are inherited").to.deep.include({ type: "number", optional: true });
        for (const [name, def] of Object.entries(inputs)) {
            expect(def.description, `${name} has TSDoc`).to.be.a("string").and.not.equal("");
        }
    });

    it("takes the HF token as an input (it may be a secret Output)", () => {
        expect(schema.components.VllmService.inputs.hfToken.plain).to.equal(undefined);
    });

    it("has plain data args only: no unions, no callbacks, maps of strings", () => {
        const { inputs } = schema.components.VllmService;
        expect(inputs.labels).to.deep.include({ type: "object", additionalProperties: { type: "string", plain: true } });
        expect(inputs.extraArgs).to.deep.include({ type: "array" });
        expect(schema.typeDefinitions).to.deep.equal({});
    });

    it("declares the outputs the program exports", () => {
        expect(Object.keys(schema.components.VllmService.outputs).sort()).to.deep.equal(
            ["adapterRules", "adapterSettings", "apiKey", "deploymentName", "hpaName", "namespace", "servedModelName", "serviceName", "url"].sort());
    });
});

/**
 * The published package is components/bin as `npm run build` (tsc -p components) writes it: the
 * entry point must be bin/index.js, and every require in it must stay inside bin/ or name a
 * dependency of components/package.json (an import of a file outside components/ moves the root,
 * writes bin/components/index.js, and the package no longer loads).
 */
describe("component package build @typecheck", function () {
    this.timeout(180_000); // tsc type-checks and emits the whole package
    const COMPONENTS = path.join(REPO_ROOT, "components");
    const pkg = JSON.parse(fs.readFileSync(path.join(COMPONENTS, "package.json"), "utf8"));
    let outDir: string;
    let emitted: string[];
    before(() => {
        outDir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-component-build-"));
        execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", COMPONENTS, "--outDir", outDir], { stdio: "pipe" });
        emitted = (fs.readdirSync(outDir, { recursive: true }) as string[]).filter(f => f.endsWith(".js"));
    });
    after(() => {
        if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
    });

    it("emits the package's main (bin/index.js) with the admission policies inside it", () => {
        const main = path.relative("bin", pkg.main);
        expect(fs.existsSync(path.join(outDir, main)), `${main} in the build (emitted: ${emitted.slice(0, 5).join(", ")}, ...)`).to.equal(true);
        expect(emitted).to.include(path.join("admission", "index.js"));
        expect(emitted.filter(f => f.startsWith("components" + path.sep)), "nothing written below bin/components").to.deep.equal([]);
    });

    it("requires only files inside the build, Node built-ins and the package's dependencies", () => {
        const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
        const problems: string[] = [];
        for (const file of emitted) {
            const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(outDir, file), "utf8"), true, true);
            for (const { fileName: spec } of importedFiles) {
                if (spec.startsWith(".")) {
                    const target = path.resolve(outDir, path.dirname(file), spec);
                    const inside = !path.relative(outDir, target).startsWith("..");
                    const exists = [target + ".js", path.join(target, "index.js"), target].some(f => fs.existsSync(f) && fs.statSync(f).isFile());
                    if (!inside || !exists) problems.push(`${file}: ${spec}`);
                } else {
                    const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
                    if (!allowed.has(name.replace(/^node:/, ""))) problems.push(`${file}: ${spec} (not a dependency)`);
                }
            }
        }
        expect(problems).to.deep.equal([]);
    });
});
