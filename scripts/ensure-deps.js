#!/usr/bin/env node
// Installs the npm dependencies (root and policy pack) when they are missing or stale, so
// `npm test` and `npm run demo` work on a fresh clone. Plain Node: it runs before node_modules exists.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");

function ensure(dir) {
    const lock = path.join(dir, "package-lock.json");
    const stamp = path.join(dir, "node_modules", ".package-lock.json");
    if (!fs.existsSync(lock)) {
        return;
    }
    // npm rewrites node_modules/.package-lock.json on every install: older than the lock means stale.
    if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= fs.statSync(lock).mtimeMs) {
        return;
    }
    console.error(`[deps] npm ci in ${path.relative(root, dir) || "."} ...`);
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: "inherit" });
}

ensure(root);
ensure(path.join(root, "policy"));
// The policy pack ships compiled (PulumiPolicy.yaml: typescript: false): build bin/ now when a
// source is newer, so the first `pulumi preview --policy-pack policy` does not wait for tsc
// (pack.js would still rebuild a stale pack itself). A no-op stat walk when it is current.
require(path.join(root, "policy", "build.js")).ensurePackBuilt();
