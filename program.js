"use strict";
// The program's entry point (package.json main), what `pulumi preview/up` runs: index.ts and the
// components it imports, compiled into bin/ and rebuilt first when a source is newer (program-build.js),
// so it is never stale. Pulumi.yaml sets `typescript: false`: nothing is compiled while the engine
// waits, the SDK's function-serialization and Automation API modules load only if used, and the
// SDK's per-promise bookkeeping stacks skip source-mapping (npm run bench, README).
require("./program-build").ensureProgramBuilt();
require("@vllm-pulumi/kube-parser/defer-sdk-modules").deferSdkModules(__dirname);
require("@vllm-pulumi/kube-parser/sdk-promise-stacks").plainSdkPromiseStacks();
module.exports = require("./bin/index.js");
