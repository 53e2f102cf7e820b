/**
 * The check-manifests benchmark (issue 10): start-up on an empty file, throughput and peak
 * memory on a large generated multi-document input, and conftest (Open Policy Agent, built from
 * its pinned Go module by `tools/ensure-toolchain.sh conftest`) with Rego equivalents of
 * vllm-image-pinned and hpa-no-gpu-utilization on the same input, side by side.
 *
 *   npx ts-node -T scripts/bench-check-manifests.ts [--groups 600] [--runs 3] [--no-conftest]
 *
 * `npm run bench` calls runCheckManifestsBench() and prints formatFigures().
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "node:util";
import { generateManifests } from "../bench/check-manifests/generate";
import { REPO_ROOT } from "./toolchain";

const CLI = path.join(REPO_ROOT, "scripts", "check-manifests", "run.js");
const REGO = path.join(REPO_ROOT, "bench", "check-manifests", "policy");
const GNU_TIME = "/usr/bin/time";

export interface Run {
    /** Median wall-clock seconds. */
    seconds: number;
    /** Median CPU seconds (user + system), by GNU time: wall time minus waiting on a busy machine. */
    cpuSeconds?: number;
    /** Largest peak resident set size over the runs, MiB (undefined without GNU time). */
    peakMiB?: number;
    /** Violations of the two compared policies found in the output (the same for both tools). */
    violations: number;
    command: string;
}

export interface Figures {
    date: string;
    machine: string;
    /** 1-minute load average when the run started: figures from a busy machine are slower. */
    load: number;
    objects: number;
    expectedViolations: number;
    runs: number;
    /** Median seconds of check-manifests on an empty file. */
    startup: Run;
    checkManifests: Run & { objectsPerSecond: number };
    conftest?: Run & { objectsPerSecond: number; version: string };
    /** Why conftest was not measured, when it was not. */
    conftestSkipped?: string;
    /** check-manifests throughput / conftest throughput. */
    ratio?: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs a command `runs` times (after a warm-up); wall time by the clock, peak memory by GNU time. */
function measure(argv: string[], runs: number, countViolations: (stdout: string) => number): Run {
    const timed = fs.existsSync(GNU_TIME);
    const times: number[] = [];
    const cpu: number[] = [];
    let peak = 0;
    let violations = 0;
    for (let i = 0; i <= runs; i++) {
        const cmd = timed ? [GNU_TIME, "-f", "maxrss_kb=%M cpu=%U+%S", ...argv] : argv;
        const start = process.hrtime.bigint();
        const r = spawnSync(cmd[0], cmd.slice(1), { cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 256 * 2 ** 20, env: { ...process.env, INIT_CWD: REPO_ROOT } });
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        if (r.error) throw r.error;
        if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(" ")} exited ${r.status}:\n${r.stderr.slice(-2000)}`);
        if (i === 0) continue; // warm-up: page cache, compiled-output check
        times.push(seconds);
        const rss = /maxrss_kb=(\d+)/.exec(r.stderr);
        if (rss) peak = Math.max(peak, Number(rss[1]) / 1024);
        const used = /cpu=([\d.]+)\+([\d.]+)/.exec(r.stderr);
        if (used) cpu.push(Number(used[1]) + Number(used[2]));
        violations = countViolations(r.stdout);
    }
    return { seconds: median(times), cpuSeconds: cpu.length ? median(cpu) : undefined, peakMiB: timed ? peak : undefined, violations, command: argv.map(a => path.relative(REPO_ROOT, a).startsWith("..") ? a : path.relative(REPO_ROOT, a) || a).join(" ") };
}

/** The conftest binary, built (bench-only) by the toolchain script when missing. */
function conftestBinary(): { bin?: string; why?: string } {
    const r = spawnSync("bash", [path.join(REPO_ROOT, "tools", "ensure-toolchain.sh"), "--env", "conftest"], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const dir = /VLLM_PULUMI_TOOL_CONFTEST=(\S+)/.exec(r.stdout ?? "")?.[1];
    if (r.status !== 0 || !dir) return { why: `tools/ensure-toolchain.sh conftest failed (exit ${r.status})` };
    return { bin: path.join(dir, "bin", "conftest") };
}

export interface BenchOptions {
    /** Groups of 10 generated objects (default 600: 6,000 objects). */
    groups?: number;
    /** Measured runs per tool after a warm-up (default 3). */
    runs?: number;
    /** Compare with conftest (default true). */
    conftest?: boolean;
}

export async function runCheckManifestsBench(opts: BenchOptions = {}): Promise<Figures> {
    const runs = opts.runs ?? 3;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-check-manifests-"));
    try {
        const input = generateManifests(opts.groups ?? 600);
        const big = path.join(tmp, "manifests.yaml");
        const empty = path.join(tmp, "empty.yaml");
        fs.writeFileSync(big, input.text);
        fs.writeFileSync(empty, "");
        const expected = input.expected["vllm-image-pinned"] + input.expected["hpa-no-gpu-utilization"];
        const compared = (stdout: string) => stdout.split("\n").filter(l => /^(vllm-image-pinned|hpa-no-gpu-utilization) /.test(l)).length;

        const load = os.loadavg()[0];
        const startup = measure([process.execPath, CLI, empty], Math.max(runs, 5), () => 0);
        const cm = measure([process.execPath, CLI, big], runs, compared);
        const cpus = os.cpus();
        const figures: Figures = {
            date: new Date().toISOString(),
            machine: `${cpus.length} x ${cpus[0]?.model ?? "cpu"}, Node ${process.version}`,
            load,
            objects: input.objects,
            expectedViolations: expected,
            runs,
            startup,
            checkManifests: { ...cm, objectsPerSecond: input.objects / cm.seconds },
        };
        if (cm.violations !== expected) throw new Error(`check-manifests found ${cm.violations} violations of the compared policies, the input holds ${expected}`);
        if (opts.conftest === false) {
            figures.conftestSkipped = "--no-conftest";
            return figures;
        }
        const { bin, why } = conftestBinary();
        if (!bin) {
            figures.conftestSkipped = why;
            return figures;
        }
        const version = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.split("\n")[0].trim();
        const ct = measure([bin, "test", "--no-color", "--policy", REGO, big], runs, stdout => stdout.split("\n").filter(l => l.startsWith("FAIL - ")).length);
        if (ct.violations !== expected) throw new Error(`conftest found ${ct.violations} violations, the input holds ${expected}: the Rego policies do not match the pack`);
        figures.conftest = { ...ct, command: ct.command.replace(bin, "conftest"), objectsPerSecond: input.objects / ct.seconds, version };
        figures.ratio = figures.checkManifests.objectsPerSecond / figures.conftest.objectsPerSecond;
        return figures;
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/** The figures as printed by the bench, with their commands. */
export function formatFigures(f: Figures): string[] {
    const mem = (r: Run) => (r.cpuSeconds !== undefined ? ` (cpu ${r.cpuSeconds.toFixed(2)} s)` : "") + (r.peakMiB !== undefined ? `, peak ${r.peakMiB.toFixed(0)} MiB` : "");
    const lines = [
        `check-manifests (${f.date.slice(0, 10)}, ${f.machine}, load average ${f.load.toFixed(1)} at start; medians of ${f.runs} runs after a warm-up)`,
        `  start-up on an empty file           ${f.startup.seconds.toFixed(3)} s${mem(f.startup)}   [${f.startup.command}]`,
        `  ${f.objects} objects (${f.expectedViolations} violations of the two compared policies)`,
        `  check-manifests, whole pack          ${f.checkManifests.seconds.toFixed(2)} s = ${Math.round(f.checkManifests.objectsPerSecond)} objects/s${mem(f.checkManifests)}   [${f.checkManifests.command}]`,
    ];
    if (f.conftest) {
        lines.push(`  conftest ${f.conftest.version.replace(/^Conftest:?\s*/i, "")}, 2 Rego policies   ${f.conftest.seconds.toFixed(2)} s = ${Math.round(f.conftest.objectsPerSecond)} objects/s${mem(f.conftest)}   [${f.conftest.command}]`);
        lines.push(`  ratio check-manifests / conftest     ${f.ratio!.toFixed(2)}x`);
    } else {
        lines.push(`  conftest not measured: ${f.conftestSkipped}`);
    }
    return lines;
}

if (require.main === module) {
    const { values } = parseArgs({ options: { groups: { type: "string" }, runs: { type: "string" }, "no-conftest": { type: "boolean" } } });
    runCheckManifestsBench({ groups: values.groups ? Number(values.groups) : undefined, runs: values.runs ? Number(values.runs) : undefined, conftest: !values["no-conftest"] }).then(
        f => console.log(formatFigures(f).join("\n")),
        e => {
            console.error(`bench-check-manifests: ${(e as Error).message}`);
            process.exit(1);
        },
    );
}
