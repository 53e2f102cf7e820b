"use strict";
/**
 * Compiled output that can never go stale: before loading a TypeScript project's compiled JS,
 * compare its sources with the stamp the last build left, and rebuild (tsc -p) when any source
 * is newer. Used by this package's index.js and by the compiled check-manifests and policy pack.
 * Plain JavaScript on purpose: it runs before anything is compiled.
 *
 * A build is serialised by a lock folder (concurrent test runs share a checkout); a published
 * copy, which has no sources, is taken as built.
 */
const fs = require("fs");
const path = require("path");

const LOCK_WAIT_MS = 180_000;
const STALE_LOCK_MS = 300_000;

/** Every file under `roots` (files or folders) whose name passes `keep`, skipping node_modules and bin. */
function sourceFiles(roots, keep) {
    const out = [];
    const walk = p => {
        let st;
        try {
            st = fs.statSync(p);
        } catch {
            return; // a root that does not exist (e.g. in a published copy)
        }
        if (!st.isDirectory()) {
            if (keep(p)) out.push({ file: p, mtimeMs: st.mtimeMs });
            return;
        }
        for (const name of fs.readdirSync(p)) {
            if (name !== "node_modules" && name !== "bin") walk(path.join(p, name));
        }
    };
    roots.forEach(walk);
    return out;
}

function newestSource(project) {
    const files = sourceFiles([project.tsconfig, ...project.sources], f => f.endsWith(".ts") || f.endsWith(".json"));
    return files.reduce((a, b) => (b.mtimeMs > (a ? a.mtimeMs : -1) ? b : a), undefined);
}

function stampTime(stamp) {
    try {
        return fs.statSync(stamp).mtimeMs;
    } catch {
        return -1;
    }
}

function sleep(ms) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock(lock, fn) {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
        try {
            fs.mkdirSync(lock);
            break;
        } catch (e) {
            if (e.code !== "EEXIST") throw e;
            if (Date.now() - stampTime(lock) > STALE_LOCK_MS) {
                fs.rmSync(lock, { recursive: true, force: true }); // left by a killed build
                continue;
            }
            if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
            sleep(200);
        }
    }
    try {
        return fn();
    } finally {
        fs.rmSync(lock, { recursive: true, force: true });
    }
}

/**
 * Makes sure `project` is compiled and not older than its sources.
 * @param {{name: string, tsconfig: string, sources: string[], stamp: string}} project
 *   tsconfig: the tsconfig to build with; sources: files/folders whose .ts/.json files feed it;
 *   stamp: a file the build touches when it succeeds (inside the output folder).
 */
function ensureBuilt(project) {
    const newest = newestSource(project);
    if (!newest || newest.mtimeMs <= stampTime(project.stamp)) return;
    fs.mkdirSync(path.dirname(project.stamp), { recursive: true });
    withLock(`${project.stamp}.lock`, () => {
        const again = newestSource(project);
        if (!again || again.mtimeMs <= stampTime(project.stamp)) return; // built while we waited
        const started = new Date();
        const tsc = require.resolve("typescript/bin/tsc", { paths: [path.dirname(project.tsconfig), __dirname] });
        process.stderr.write(`[build] ${project.name}: ${path.basename(again.file)} is newer than the build; tsc -p ${project.tsconfig}\n`);
        const r = require("child_process").spawnSync(process.execPath, [tsc, "-p", project.tsconfig], { stdio: ["ignore", 2, 2] });
        if (r.status !== 0) {
            throw new Error(`${project.name}: tsc -p ${project.tsconfig} failed (exit ${r.status ?? r.signal}); fix the errors above`);
        }
        fs.writeFileSync(project.stamp, `built ${started.toISOString()}\n`);
        fs.utimesSync(project.stamp, started, started); // a source saved during the build stays newer
    });
}

module.exports = { ensureBuilt };
