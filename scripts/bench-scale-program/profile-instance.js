// @ts-check
"use strict";
/**
 * Where one more VllmService goes in the program's Node process, without the engine (the README's
 * Benchmarks profile; `npm run bench` measures the whole preview):
 *
 *   node scripts/bench-scale-program/profile-instance.js            # our code vs. the SDK, per instance
 *   node --cpu-prof scripts/bench-scale-program/profile-instance.js --sdk 41   # then open the .cpuprofile
 *
 * "ours": validation and building every object's args (the dev settings of program.js), warm, 200 times.
 * "sdk": N instances under @pulumi/pulumi's mocks (resource registration, Outputs, serialization), minus 1.
 */
const path = require("path");
const { parseArgs } = require("util");
const repo = path.join(__dirname, "..", "..");
require(path.join(repo, "program-build")).ensureProgramBuilt();
require("@vllm-pulumi/kube-parser/defer-sdk-modules").deferSdkModules(repo);

const { instanceArgs, renderInstance } = require("./instance");
const cpuMs = (since) => { const d = process.cpuUsage(since); return (d.user + d.system) / 1000; };

/** CPU ms per instance of our own work: validateArgs and every manifest builder the component calls. */
function ours(n) {
    const one = (i) => renderInstance(i, "k".repeat(32));
    for (let i = 0; i < 20; i++) one(i); // warm-up
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) one(i);
    return cpuMs(c0) / n;
}

/** CPU ms of `n` instances under the SDK's mocks, until every instance's outputs resolved. */
function underMocks(n) {
    const pulumi = require("@pulumi/pulumi");
    pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "bench", "scale", true);
    const { VllmService } = require(path.join(repo, "bin", "components"));
    const c0 = process.cpuUsage();
    const outs = [];
    for (let i = 0; i < n; i++) {
        const s = new VllmService(`vllm-${i}`, instanceArgs(i, pulumi.secret("k".repeat(32))));
        outs.push(s.url, s.hpaName);
    }
    return new Promise((resolve) => pulumi.all(outs).apply(() => setImmediate(() => resolve(cpuMs(c0)))));
}

async function main() {
    const { values } = parseArgs({ options: { sdk: { type: "string" } } });
    if (values.sdk !== undefined) {
        const n = Number(values.sdk);
        if (!Number.isInteger(n) || n < 1) throw new Error(`--sdk must be a whole number >= 1, got ${values.sdk}`);
        console.log(`${n} instances under mocks: ${(await underMocks(n)).toFixed(0)} ms CPU`);
        return;
    }
    console.log(`ours: ${ours(200).toFixed(2)} ms CPU per instance (validation + every object's args, warm)`);
    // A fresh process per count, so module loading and JIT warm-up fall on both alike.
    const { execFileSync } = require("child_process");
    const cpu = (n) => Number(/: (\d+) ms/.exec(execFileSync(process.execPath, [__filename, "--sdk", String(n)], { encoding: "utf8" }))[1]);
    const one = cpu(1);
    const many = cpu(21);
    console.log(`sdk + ours under mocks: ${((many - one) / 20).toFixed(0)} ms CPU per added instance (1 -> 21 instances: ${one} -> ${many} ms)`);
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
