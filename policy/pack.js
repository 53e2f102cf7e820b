"use strict";
// The pack's entry point (package.json main) as the Pulumi CLI loads it: the compiled index.ts,
// rebuilt first when a source is newer. A published copy ships only bin/ and is taken as built.
require("./build").ensurePackBuilt();
// npm's arborist, which @pulumi/policy loads through the SDK's index but a pack never uses: 0.25 CPU-s.
require("@vllm-pulumi/kube-parser/defer-sdk-modules").deferSdkModules(__dirname);
require("./bin/index.js");
