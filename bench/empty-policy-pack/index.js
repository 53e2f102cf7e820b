"use strict";
// No policies: starting this pack is the floor any Node.js pack pays on a preview (npm run bench).
// Started like policy/pack.js (deferred SDK modules, no ts-node); the bench links policy/node_modules
// beside a copy of this folder, so it loads the very same @pulumi/policy and @pulumi/pulumi.
require("@vllm-pulumi/kube-parser/defer-sdk-modules").deferSdkModules(__dirname);
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("bench-empty", { policies: [] });
