// Starts a Node.js policy pack whose PulumiPolicy.yaml says `typescript: false`, the way
// @pulumi/pulumi's cmd/run-policy-pack/index.js does, but through its run.js with
// typeScript: false: that index.js always registers ts-node (loading the TypeScript compiler,
// ~0.3 CPU-s) even when the pack is plain JavaScript. Run by the language host as
//   node [nodeargs] -e <this file> <run-policy-pack dir> <engine address> <pack dir>
"use strict";
const path = require("path");
const [runDir, ...args] = process.argv.slice(1);
const fromSdk = (mod) => require(require.resolve(mod, { paths: [runDir] }));

fromSdk("source-map-support/register");

// As index.js: any uncaught error makes the exit code non-zero (0 would tell the engine all is
// well); 32 when every such error was already reported to the user.
const uncaughtErrors = new Set();
const loggedErrors = new Set();
let programRunning = false;
const uncaughtHandler = (err) => {
    uncaughtErrors.add(err);
    if (!programRunning) {
        console.error((err && (err.stack || err.message)) || String(err));
    }
};
process.on("uncaughtException", uncaughtHandler);
process.on("unhandledRejection", uncaughtHandler);
process.on("exit", (code) => {
    if (code === 0 && uncaughtErrors.size > 0) {
        process.exitCode = [...uncaughtErrors].every((e) => loggedErrors.has(e)) ? 32 : 1;
    }
});

const argv = fromSdk("minimist")(args, {});
if (argv._.length < 2) {
    console.error("usage: RUN <engine-address> <program>");
    process.exit(-1);
}
argv._.shift(); // the engine address: the pack reads it from its environment

// The SDK's v8 hooks (function serialization) must be ready before the pack loads.
require(path.join(runDir, "..", "..", "runtime", "closure", "v8Hooks")).isInitializedAsync().then(() => {
    const done = require(path.join(runDir, "run")).run({
        argv,
        programStarted: () => {
            programRunning = true;
        },
        reportLoggedError: (err) => loggedErrors.add(err),
        typeScript: false,
    });
    done.then(() => {
        programRunning = false;
    });
});
