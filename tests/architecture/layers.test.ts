/** No import runs backwards through the layers of docs/ARCHITECTURE.md (tests/architecture/layers.ts). */
import { expect } from "chai";
import * as path from "path";
import { Edge, LAYERS, ownImports, sourceFiles, violation } from "./layers";

const ROOT = path.resolve(__dirname, "..", "..");

describe("architecture: imports follow the layers", () => {
    it("finds backward imports (the check itself can fail)", () => {
        const e = (from: string, spec: string, to: string): Edge => ({ from, spec, to });
        expect(violation(e("env/inside.ts", "../scripts/toolchain", "scripts/toolchain"))).to.equal("env/inside.ts imports ../scripts/toolchain (env -> entry points)");
        expect(violation(e("env/x.ts", "../tests/sim/simProcess", "tests/sim/simProcess"))).to.match(/env -> tests/);
        expect(violation(e("env/x.ts", "../components/validate", "components/validate"))).to.match(/env -> components/);
        expect(violation(e("env/x.ts", "../sim/engine", "sim/engine")), "env starts the simulator, never imports it").to.match(/env -> sim/);
        expect(violation(e("components/x.ts", "../env/process", "env/process"))).to.match(/components -> env/);
        expect(violation(e("policy/policies/a.ts", "../../components/args", "components/args"))).to.match(/policy -> components/);
        expect(violation(e("sim/bench.ts", "../tests/sim/simProcess", "tests/sim/simProcess"))).to.match(/sim -> tests/);
        expect(violation(e("scripts/demo.ts", "../tests/support/kube", "tests/support/kube"))).to.match(/entry points -> tests/);
        expect(violation(e("env/environment.ts", "../sim/build", "sim/build"))).to.equal(undefined);
        expect(violation(e("policy/policies/a.ts", "@vllm-pulumi/kube-parser", "packages/kube-parser"))).to.equal(undefined);
        expect(violation(e("tests/a.test.ts", "../env/process", "env/process"))).to.equal(undefined);
    });

    it("every source file belongs to a layer, and no import of our own code runs backwards", () => {
        const files = sourceFiles(ROOT);
        const edges = ownImports(ROOT, files);
        expect(edges.length, "imports were read").to.be.greaterThan(100);
        const homeless = files.filter((f) => !LAYERS.some((l) => l.paths.some((p) => f === p || f.startsWith(`${p}/`))));
        expect(homeless, "files outside every layer (add them to LAYERS and to docs/ARCHITECTURE.md)").to.deep.equal([]);
        expect(edges.map((e) => violation(e)).filter((v) => v !== undefined)).to.deep.equal([]);
    });
});
