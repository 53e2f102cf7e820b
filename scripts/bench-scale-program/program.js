// @ts-check
"use strict";
/**
 * `npm run bench`'s scale program: `instances` VllmServices (the dev stack's settings) in one
 * stack, each in its own namespace, so the curve shows what one more service costs a preview.
 * It runs like the repo's program (program.js): the compiled components, rebuilt when stale.
 * The workspace links this file into its project copy; require resolves it to this folder.
 */
const path = require("path");
const repo = path.join(__dirname, "..", "..");
require(path.join(repo, "program-build")).ensureProgramBuilt();
require("@vllm-pulumi/kube-parser/defer-sdk-modules").deferSdkModules(repo);
require("@vllm-pulumi/kube-parser/sdk-promise-stacks").plainSdkPromiseStacks();
const pulumi = require("@pulumi/pulumi");
/** @type {typeof import("../../components")} */
const { VllmService } = require(path.join(repo, "bin", "components"));
const { instanceArgs } = require("./instance");

const config = new pulumi.Config();
const instances = config.requireNumber("instances");
// No pulumi-random provider can be built here (tools/README.md): every instance gets this key.
const apiKey = config.requireSecret("apiKey");

for (let i = 0; i < instances; i++) {
    new VllmService(`vllm-${i}`, instanceArgs(i, apiKey));
}
