/**
 * The component from Python and Go: `pulumi package gen-sdk` writes their SDKs from the schema the
 * component package serves (the same TypeScript analysis `run-plugin` does), through the
 * code-generation-only language hosts in tools/pulumi-sdkgen (upstream's are not available here).
 * The generated code is then compiled, with the consumer programs in examples/go and
 * examples/python: Go with `go build` + `go vet` in a module, Python with `py_compile` (the
 * `pulumi` Python package is not installable here, so nothing is imported or run).
 */
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import { generateSchema } from "@pulumi/pulumi/provider/experimental/schema";
import { expect } from "chai";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT, toolchainEnv } from "../../scripts/toolchain";

const COMPONENT_DIR = path.join(REPO_ROOT, "components");
const GO_ENV = { GOFLAGS: "-mod=mod -trimpath -buildvcs=false", GOTOOLCHAIN: "local", CGO_ENABLED: "0" };

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
    const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(r.error, `${cmd} could not be started`).to.equal(undefined);
    expect(r.status, `${cmd} ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`).to.equal(0);
    return r;
}

function filesUnder(dir: string, suffix: string): string[] {
    return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(suffix)).map((f) => path.join(dir, f));
}

describe("@integration the VllmService component from Python and Go (pulumi package gen-sdk)", function () {
    this.timeout(30 * 60_000); // cold: Go compiles the Pulumi Go SDK
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-pulumi-sdks-"));
    const sdks = path.join(tmp, "sdks");
    let env: NodeJS.ProcessEnv;

    before(() => {
        env = { ...toolchainEnv(), PATH: [toolchainEnv().PATH, "/usr/local/go/bin"].join(path.delimiter) };
        // The schema the component package serves (ComponentProvider.getSchema does exactly this).
        const pkg = JSON.parse(fs.readFileSync(path.join(COMPONENT_DIR, "package.json"), "utf8"));
        const a = new Analyzer(COMPONENT_DIR, pkg.name, pkg, new Set(["VllmService"])).analyze();
        const schema = generateSchema(pkg.name, pkg.version, pkg.description, a.components, a.typeDefinitions, a.dependencies);
        fs.writeFileSync(path.join(tmp, "schema.json"), JSON.stringify(schema));
        // A schema file, not the component folder: from a folder the CLI would `npm install` into components/.
        for (const language of ["python", "go"]) {
            run("pulumi", ["package", "gen-sdk", path.join(tmp, "schema.json"), "--language", language, "--out", sdks, "--non-interactive"], tmp, env);
        }
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("generates a Python SDK whose modules and the Python example compile", () => {
        const service = fs.readFileSync(path.join(sdks, "python", "pulumi_vllm", "vllm_service.py"), "utf8");
        expect(service).to.match(/class VllmService\(pulumi\.ComponentResource\)/);
        expect(service).to.match(/tensor_parallel_size: Optional\[_builtins\.float\]/);
        const files = [...filesUnder(path.join(sdks, "python"), ".py"), path.join(REPO_ROOT, "examples", "python", "__main__.py")];
        expect(files.length).to.be.greaterThan(4);
        // py_compile writes bytecode next to the sources: keep it out of the repo.
        run("python3", ["-m", "py_compile", ...files], tmp, { ...env, PYTHONPYCACHEPREFIX: path.join(tmp, "pycache") });
    });

    it("generates a Go SDK that builds and vets, with the Go example as its consumer", () => {
        const goSdk = path.join(sdks, "go");
        expect(fs.readFileSync(path.join(goSdk, "vllm", "vllmService.go"), "utf8")).to.match(/func NewVllmService\(/);
        const mod = path.join(tmp, "consumer");
        fs.mkdirSync(mod);
        fs.copyFileSync(path.join(REPO_ROOT, "examples", "go", "main.go"), path.join(mod, "main.go"));
        fs.writeFileSync(path.join(goSdk, "go.mod"), "module example.com/pulumi-vllm/sdk/go\n\ngo 1.26.6\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.274.1\n");
        fs.writeFileSync(path.join(mod, "go.mod"), "module vllm-go-example\n\ngo 1.26.6\n\n" +
            "require (\n\texample.com/pulumi-vllm/sdk/go v0.0.0\n\tgithub.com/pulumi/pulumi/sdk/v3 v3.274.1\n)\n\n" +
            `replace example.com/pulumi-vllm/sdk/go => ${goSdk}\n`);
        // Checksums of the SDK's dependencies: the toolchain's lock already holds them.
        fs.copyFileSync(path.join(REPO_ROOT, "tools", "pulumi-sdkgen", "go.sum"), path.join(mod, "go.sum"));
        const goEnv = { ...env, ...GO_ENV };
        run("go", ["mod", "tidy"], mod, goEnv);
        run("go", ["build", "-o", path.join(tmp, "vllm-go-example"), "."], mod, goEnv);
        run("go", ["vet", ".", "example.com/pulumi-vllm/sdk/go/..."], mod, goEnv);
        expect(fs.statSync(path.join(tmp, "vllm-go-example")).size).to.be.greaterThan(0);
    });
});
