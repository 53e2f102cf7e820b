/**
 * Our Node.js language host (tools/pulumi-cli/cmd/pulumi-language-nodejs) carries every `pulumi`
 * run here, so its Go tests run with the rest: each RPC on the small programs in its testdata/,
 * against the real node, npm, @pulumi/pulumi and @pulumi/policy. `go test` caches a passing
 * result until the host's sources, its testdata or the SDK versions change, so this is cheap
 * when nothing changed.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/toolchain";

const MODULE_DIR = path.join(REPO_ROOT, "tools", "pulumi-cli");
const PACKAGE = "./cmd/pulumi-language-nodejs";

/** One Go test per RPC and behaviour; a test that disappears or is skipped fails this file. */
const EXPECTED = [
    "TestRunPassesConfigIdentityAndQuotedNodeArgs",
    "TestRunTypeScriptDefault",
    "TestRunProgramErrorBails",
    "TestRunExitCode",
    "TestRunRejectsBadOptions",
    "TestCancelStopsRun",
    "TestRunPluginPolicyPack",
    "TestRunPluginComponentPackage",
    "TestGetRequiredPackages",
    "TestGetRequiredPackagesWithoutNodeModules",
    "TestGetProgramDependencies",
    "TestInstallDependenciesNpm",
    "TestInstallDependenciesHonoursPackageManager",
    "TestInstallDependenciesRejects",
    "TestAbout",
];

describe("@integration pulumi-language-nodejs (go test of every RPC)", function () {
    // Cold: compiling the host's dependencies for the test binary takes minutes on 2 cores.
    this.timeout(30 * 60_000);

    it("passes go test, every expected test run and none skipped", () => {
        const env = {
            ...process.env,
            // node/npm of this process first; Go from PATH or its default install location.
            PATH: [path.dirname(process.execPath), process.env.PATH ?? "", "/usr/local/go/bin"].join(path.delimiter),
            // The toolchain's build settings (tools/pulumi-cli/build.sh), so the build cache is shared.
            GOFLAGS: "-mod=readonly -trimpath -buildvcs=false",
            GOTOOLCHAIN: "local",
            CGO_ENABLED: "0",
        };
        const r = spawnSync("go", ["test", "-v", PACKAGE], { cwd: MODULE_DIR, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
        expect(r.error, "go is needed (tools/README.md)").to.equal(undefined);
        expect(r.status, out.slice(-6000)).to.equal(0);
        for (const name of EXPECTED) {
            expect(out, `${name} did not pass`).to.match(new RegExp(`--- PASS: ${name} `));
        }
        expect(out).to.not.match(/--- SKIP/);
    });
});
