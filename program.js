"use strict";
// The program's entry point (package.json main), what `pulumi preview/up` runs: index.ts and the
// components it imports, compiled into bin/ and rebuilt first (tsc -p tsconfig.program.json, type
// checked) whenever a source is newer than the last build, so it is never stale. Pulumi.yaml sets
// `typescript: false`: nothing is compiled while the engine waits (npm run bench, README).
const path = require("path");
require("@vllm-pulumi/kube-parser/ensure-built").ensureBuilt({
    name: "program",
    tsconfig: path.join(__dirname, "tsconfig.program.json"),
    sources: ["tsconfig.json", "index.ts", "stackConfig.ts", "components"].map((f) => path.join(__dirname, f)),
    stamp: path.join(__dirname, "bin", ".built"),
});
require("./scripts/defer-sdk-modules").deferSdkModules(__dirname);
module.exports = require("./bin/index.js");
