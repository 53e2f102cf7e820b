/**
 * Compiles the simulator once (tsc with sim/tsconfig.json) into `.cache/sim-dist/`, so each pod
 * starts `node main.js` in tens of milliseconds instead of paying ts-node's compile per process.
 * Rebuilds only when a source under sim/ is newer than the output. Concurrent callers are safe:
 * each compiles into its own temporary directory and the first rename wins.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";

const SIM_DIR = __dirname;
const REPO_ROOT = path.resolve(SIM_DIR, "..");
const OUT_DIR = path.join(REPO_ROOT, ".cache", "sim-dist");
const MAIN = "main.js";

/** Files under sim/ that are not part of the simulator program. */
const NOT_SIMULATOR = new Set(["build.ts", "bench.ts"]);

/** Newest modification time of the simulator's sources. */
function newestSource(): number {
    return readdirSync(SIM_DIR)
        .filter((f) => (f.endsWith(".ts") && !NOT_SIMULATOR.has(f)) || f === "tsconfig.json")
        .reduce((newest, f) => Math.max(newest, statSync(path.join(SIM_DIR, f)).mtimeMs), 0);
}

function isFresh(): boolean {
    const main = path.join(OUT_DIR, MAIN);
    return existsSync(main) && statSync(main).mtimeMs >= newestSource();
}

/** Builds if needed; returns the absolute path of the compiled entry point (`node <it> [flags]`). */
export function ensureSimBuilt(): string {
    // The simulator loads its metric catalogue from the parser package's compiled bin/ at run time.
    require("@vllm-pulumi/kube-parser");
    const main = path.join(OUT_DIR, MAIN);
    if (isFresh()) return main;
    const tmp = `${OUT_DIR}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(path.dirname(OUT_DIR), { recursive: true });
    const tsc = require.resolve("typescript/bin/tsc", { paths: [REPO_ROOT] });
    try {
        execFileSync(process.execPath, [tsc, "-p", path.join(SIM_DIR, "tsconfig.json"), "--outDir", tmp], { cwd: REPO_ROOT, stdio: "pipe" });
    } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        const out = e as { stdout?: Buffer; stderr?: Buffer };
        throw new Error(`building the vLLM simulator (tsc -p sim/tsconfig.json) failed:\n${out.stdout?.toString() ?? ""}${out.stderr?.toString() ?? ""}`);
    }
    if (!isFresh()) {
        rmSync(OUT_DIR, { recursive: true, force: true });
        try {
            renameSync(tmp, OUT_DIR);
        } catch {
            // Another process renamed its build first; it is at least as new as ours.
        }
    }
    rmSync(tmp, { recursive: true, force: true });
    return main;
}
