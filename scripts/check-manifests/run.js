#!/usr/bin/env node
"use strict";
// `npm run check-manifests`: the compiled CLI, rebuilt first when any of its sources (the CLI,
// the pack's policies and runner) is newer than the build, so it is never stale.
const path = require("path");
const root = path.resolve(__dirname, "..", "..");
require("@vllm-pulumi/kube-parser/ensure-built").ensureBuilt({
    name: "check-manifests",
    tsconfig: path.join(__dirname, "tsconfig.json"),
    sources: [path.join(root, "scripts", "check-manifests.ts"), __dirname, path.join(root, "policy", "policies"), path.join(root, "policy", "runPolicies.ts")],
    stamp: path.join(__dirname, "bin", ".built"),
});
require("./bin/scripts/check-manifests.js").run(process.argv.slice(2));
