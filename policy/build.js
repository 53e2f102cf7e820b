"use strict";
// Compiles the pack (index.ts, policies/) into bin/ when a source is newer than the last build,
// so `pulumi preview --policy-pack policy` runs plain JavaScript: no ts-node type-checking on
// every run, and never a stale build. `node build.js` (npm run build, prepare) does the same.
const path = require("path");

function ensurePackBuilt() {
    require("@vllm-pulumi/kube-parser/ensure-built").ensureBuilt({
        name: "policy pack",
        tsconfig: path.join(__dirname, "tsconfig.json"),
        sources: [path.join(__dirname, "index.ts"), path.join(__dirname, "policies")],
        stamp: path.join(__dirname, "bin", ".built"),
    });
}

module.exports = { ensurePackBuilt };

if (require.main === module) {
    ensurePackBuilt();
}
