"use strict";
// Entry point of the package: the compiled parser in bin/. In a checkout (src/ is not
// published) a bin/ older than any source is refused, so nothing ever runs a stale parser.
const fs = require("fs");
const path = require("path");

const src = path.join(__dirname, "src");
if (fs.existsSync(src)) {
    const built = path.join(__dirname, "bin", "index.js");
    const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : -1;
    const sources = [path.join(__dirname, "tsconfig.json"), ...fs.readdirSync(src, { recursive: true }).map(f => path.join(src, String(f)))];
    const stale = sources.find(f => fs.statSync(f).mtimeMs > builtAt);
    if (stale) {
        const why = builtAt < 0 ? "is not built" : `is older than ${path.relative(__dirname, stale)}`;
        throw new Error(`@vllm-pulumi/kube-parser ${why}: run \`npm run build --prefix ${path.relative(process.cwd(), __dirname) || "."}\``);
    }
}
module.exports = require("./bin/index.js");
