"use strict";
// Builds the program (index.ts and the components it imports) into bin/ when a source is newer
// than the last build (tsc -p tsconfig.program.json, type checked), so the compiled program is
// never stale. Used by program.js (package.json main) and the bench's scale program.
const path = require("path");

function ensureProgramBuilt() {
    require("@vllm-pulumi/kube-parser/ensure-built").ensureBuilt({
        name: "program",
        tsconfig: path.join(__dirname, "tsconfig.program.json"),
        sources: ["tsconfig.json", "index.ts", "stackConfig.ts", "components"].map((f) => path.join(__dirname, f)),
        stamp: path.join(__dirname, "bin", ".built"),
    });
}

module.exports = { ensureProgramBuilt };

if (require.main === module) {
    ensureProgramBuilt();
}
