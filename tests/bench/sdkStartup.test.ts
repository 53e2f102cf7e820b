/**
 * The start-up helpers program.js and policy/pack.js run before the SDK does any work
 * (packages/kube-parser): each must still give the real module or stack when it is used, since a
 * preview pays for them on every run (npm run bench, README "Benchmarks"). Each case runs in its
 * own Node process, like the language host starts a program, so require's cache starts empty.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/toolchain";

const PARSER = path.join(REPO_ROOT, "packages", "kube-parser");

function runNode(script: string): Record<string, unknown> {
    const r = spawnSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    return JSON.parse(r.stdout);
}

describe("SDK start-up helpers (defer-sdk-modules, sdk-promise-stacks) @process", () => {
    it("defers the Automation API until first use, then gives the real one", () => {
        const out = runNode(`
            require(${JSON.stringify(path.join(PARSER, "defer-sdk-modules.js"))}).deferSdkModules(process.cwd());
            const loaded = (dir) => Object.keys(require.cache).some((k) => k.includes(dir) && require.cache[k].children.length > 0);
            const pulumi = require("@pulumi/pulumi");
            const before = { execa: loaded("/execa/"), workspace: loaded("/automation/localWorkspace") };
            const create = typeof pulumi.automation.LocalWorkspace.create;
            console.log(JSON.stringify({ before, create, after: loaded("/automation/localWorkspace") }));
        `);
        expect(out).to.deep.equal({ before: { execa: false, workspace: false }, create: "function", after: true });
    });

    it("formats the SDK's per-promise stacks without source maps and maps every other stack", () => {
        const out = runNode(`
            require("source-map-support/register"); // as the language host's run/index.js does
            const sourceMapped = Error.prepareStackTrace;
            let mapped = 0;
            Error.prepareStackTrace = (e, frames) => { mapped++; return sourceMapped(e, frames); };
            const { plainSdkPromiseStacks } = require(${JSON.stringify(path.join(PARSER, "sdk-promise-stacks.js"))});
            plainSdkPromiseStacks();
            plainSdkPromiseStacks(); // twice: wraps once
            const { debuggablePromise } = require("@pulumi/pulumi/runtime/debuggable");
            const p = Promise.resolve();
            debuggablePromise(p, "test").catch(() => undefined); // the SDK records the stack on the promise it is given
            const sdk = { mapped, stack: p._debugStackTrace.split("\\n").slice(0, 2) };
            const own = new Error("boom").stack.split("\\n")[0];
            const blank = new Error().stack;
            console.log(JSON.stringify({ sdk, own, mappedAfter: mapped }));
        `);
        expect(out.sdk).to.deep.include({ mapped: 0 });
        expect((out.sdk as { stack: string[] }).stack[0]).to.equal("Error");
        expect((out.sdk as { stack: string[] }).stack[1]).to.match(/^ {4}at debuggablePromise \(.*@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js:\d+:\d+\)$/);
        expect(out.own).to.equal("Error: boom");
        expect(out.mappedAfter).to.equal(2, "an error with a message and a blank one taken outside the SDK are still source-mapped");
    });

    it("maps a resource's source-position stack unless asked not to (tests under mocks: { resourcePositions: true })", () => {
        const count = (options: string) => runNode(`
            require("source-map-support/register");
            const sourceMapped = Error.prepareStackTrace;
            let mapped = 0;
            Error.prepareStackTrace = (e, frames) => { mapped++; return sourceMapped(e, frames); };
            require(${JSON.stringify(path.join(PARSER, "sdk-promise-stacks.js"))}).plainSdkPromiseStacks(${options});
            const { Resource } = require("@pulumi/pulumi/resource");
            const frames = Resource.stackTrace(0);
            console.log(JSON.stringify({ mapped, frames: frames.length }));
        `);
        expect(count("")).to.deep.include({ mapped: 1 });
        expect(count("{ resourcePositions: true }")).to.deep.include({ mapped: 0 });
    });
});
