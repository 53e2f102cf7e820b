"use strict";
// The program's entry point (package.json main), what `pulumi preview/up` runs: index.ts and the
// components it imports, compiled into bin/ and rebuilt first when a source is newer (program-build.js),
// so it is never stale. Pulumi.yaml sets `typescript: false`: nothing is compiled while the engine
// waits, and the SDK's function-serialization modules load only if used (npm run bench, README).
require("./program-build").ensureProgramBuilt();
require("@vllm-pulumi/kube-parser/defer-sdk-modules").deferSdkModules(__dirname);
module.exports = require("./bin/index.js");
