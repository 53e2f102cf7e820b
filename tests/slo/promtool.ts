/**
 * Test helpers: find promtool (the pinned Prometheus 3.13.1 one from tools/prometheus, built through
 * scripts/ensure-promtool.sh when missing, or $PROMTOOL),
 * write rule and test files to a temp dir, and run `promtool check rules` / `promtool test rules`.
 */
import { execFile, execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

const REPO = path.resolve(__dirname, "..", "..");
let cached: string | undefined;

/** Absolute path of promtool; throws with the installer's own message when it cannot get one. */
export function promtoolPath(): string {
    if (cached) return cached;
    try {
        cached = execFileSync("bash", [path.join(REPO, "scripts", "ensure-promtool.sh")], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            timeout: 40 * 60_000, // a cold build of tools/prometheus takes minutes on 2 cores
        }).trim();
    } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new Error(`promtool is needed for the SLO rule tests and scripts/ensure-promtool.sh could not provide it:\n${err.stderr ?? err.message}`);
    }
    return cached;
}

export interface RunResult {
    status: number | null;
    output: string;
}

export function promtool(args: string[], cwd: string): RunResult {
    const r = spawnSync(promtoolPath(), args, { cwd, encoding: "utf8", timeout: 120_000 });
    return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

export function promtoolAsync(args: string[], cwd: string): Promise<RunResult> {
    return new Promise((resolve) => {
        execFile(promtoolPath(), args, { cwd, encoding: "utf8", timeout: 120_000 }, (err, stdout, stderr) => {
            const status = err ? (typeof err.code === "number" ? err.code : 1) : 0;
            resolve({ status, output: `${stdout ?? ""}${stderr ?? ""}` });
        });
    });
}

/**
 * Writes `files` to a temp dir, runs promtool there, and removes the dir when promtool succeeds
 * (a failure keeps it and names it in the output, for debugging).
 */
export async function runPromtool(files: Record<string, unknown>, args: string[]): Promise<RunResult> {
    const dir = writeFiles(files);
    const r = await promtoolAsync(args, dir);
    if (r.status === 0) {
        fs.rmSync(dir, { recursive: true, force: true });
        return r;
    }
    return { ...r, output: `${r.output}
(files kept in ${dir})` };
}

/** Runs async jobs with at most `limit` at a time, results in order. */
export async function pool<T>(jobs: Array<() => Promise<T>>, limit = Math.max(1, os.cpus().length)): Promise<T[]> {
    const results: T[] = new Array(jobs.length);
    let next = 0;
    const worker = async () => {
        while (next < jobs.length) {
            const i = next++;
            results[i] = await jobs[i]();
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
    return results;
}

/** A fresh temp dir with the given files (objects are written as YAML). */
export function writeFiles(files: Record<string, unknown>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-slo-"));
    for (const [name, content] of Object.entries(files)) {
        const text = typeof content === "string" ? content : YAML.stringify(content, { lineWidth: 0 });
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

// --- synthetic series in promtool's expanding notation ------------------------------------

/**
 * A counter sampled every minute from minute 0, rising by `perMinute` for `minutes` minutes per
 * segment: `counter([1000, 60], [800, 60])` rises 1000/min for an hour, then 800/min.
 */
export function counter(...segments: Array<[perMinute: number, minutes: number]>): string {
    const parts = ["0"];
    let v = 0;
    for (const [inc, n] of segments) {
        if (n <= 0) continue;
        parts.push(`${v + inc}+${inc}x${n - 1}`);
        v += inc * n;
    }
    return parts.join(" ");
}

/** A gauge holding `value` for minutes 0..minutes. */
export function gauge(value: number, minutes: number): string {
    return `${value}+0x${minutes}`;
}

/** Renders a series selector for promtool's input_series. */
export function series(name: string, labels: Record<string, string>): string {
    const body = Object.entries(labels)
        .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)
        .join(", ");
    return `${name}{${body}}`;
}
