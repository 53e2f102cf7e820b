"use strict";
// Entry point of the package: the compiled parser in bin/, rebuilt first when a source is
// newer (in a checkout; a published copy has no src/ and is taken as built).
require("./ensure-built").ensureBuilt({
    name: "@vllm-pulumi/kube-parser",
    tsconfig: require("path").join(__dirname, "tsconfig.json"),
    sources: [require("path").join(__dirname, "src")],
    stamp: require("path").join(__dirname, "bin", ".built"),
});
module.exports = require("./bin/index.js");
