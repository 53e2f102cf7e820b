/**
 * `npm run bench`: the waits users and reviewers pay, measured side by side in one run on a quiet
 * machine and printed with their command, machine and date (also saved as report.md under
 * .cache/bench/<date>/ with the logs):
 *   - `pulumi preview` of the dev stack against an empty program (the engine's floor), what the
 *     policy pack adds, and the cost of scale (1, 5, 20 VllmServices in one stack);
 *   - check-manifests: start-up, throughput and memory, side by side with conftest
 *     (scripts/bench-check-manifests.ts);
 *   - `npm run test:unit`, and the whole `npm test` without the elasticity-loop tests.
 * It refuses to run next to a cluster or Pulumi engine it did not start, and stops by PID what
 * it started (also on failure or Ctrl-C).
 *
 *   npm run bench [-- --runs 3] [--skip previews|check-manifests|test-unit|npm-test]... [--allow-busy]
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { measureCheckManifests } from "./bench/checkManifests";
import { assertQuietEnvironment, environmentProblems } from "./bench/environment";
import { describeMachine, loadAverage } from "./bench/machine";
import { measurePreviews } from "./bench/previews";
import { renderReport, Section } from "./bench/report";
import { measureNpmTest, measureUnitTests } from "./bench/testSuite";
import { ensureClusterToolchain, registerCleanup, startCluster, stopCluster } from "../env/cluster";
import { REPO_ROOT, toolchainEnv } from "./toolchain";

const SECTIONS = ["previews", "check-manifests", "test-unit", "npm-test"] as const;
type SectionName = (typeof SECTIONS)[number];
const USAGE = `usage: npm run bench [-- --runs N] [--skip ${SECTIONS.join("|")}]... [--allow-busy]`;

interface Options {
    runs: number;
    skip: Set<SectionName>;
    allowBusy: boolean;
}

function parseOptions(argv: string[]): Options {
    const { values } = parseArgs({
        args: argv,
        options: { runs: { type: "string" }, skip: { type: "string", multiple: true }, "allow-busy": { type: "boolean" } },
    });
    const runs = values.runs === undefined ? 3 : Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1 || runs > 20) {
        throw new Error(`--runs must be a whole number from 1 to 20, got ${JSON.stringify(values.runs)}`);
    }
    const skip = new Set<SectionName>();
    for (const s of values.skip ?? []) {
        if (!(SECTIONS as readonly string[]).includes(s)) {
            throw new Error(`--skip ${s}: unknown section (one of ${SECTIONS.join(", ")})`);
        }
        skip.add(s as SectionName);
    }
    return { runs, skip, allowBusy: values["allow-busy"] ?? false };
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** The previews, against KUBECONFIG or a local control plane started (and stopped) here. */
async function previews(work: string, runs: number): Promise<Section> {
    if (process.env.KUBECONFIG) {
        return measurePreviews(work, process.env.KUBECONFIG, runs, log);
    }
    const env = toolchainEnv();
    const stateDir = path.join(work, "cluster");
    const binDirs = ensureClusterToolchain({ binDirs: (env.PATH ?? "").split(path.delimiter) });
    registerCleanup(); // Ctrl-C or a crash still stops the cluster, by PID
    const cluster = await startCluster({ binDirs, stateDir, reuse: false });
    try {
        return await measurePreviews(work, cluster.kubeconfig, runs, log);
    } finally {
        await stopCluster({ stateDir });
    }
}

async function main(argv: string[]): Promise<void> {
    const opts = parseOptions(argv);
    let busy: string | undefined;
    if (opts.allowBusy) {
        const problems = await environmentProblems();
        busy = problems.length > 0 ? problems.map((p) => p.split("\n")[0]).join("; ") : undefined;
        if (busy) {
            log(`measuring on a busy machine (--allow-busy): ${busy}`);
        }
    } else {
        await assertQuietEnvironment();
    }
    const date = new Date();
    const outDir = path.join(REPO_ROOT, ".cache", "bench", date.toISOString().replace(/[:.]/g, "-"));
    fs.mkdirSync(outDir, { recursive: true });
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-pulumi-bench-"));
    const loadAtStart = loadAverage();
    const sections: Section[] = [];
    try {
        if (!opts.skip.has("previews")) {
            sections.push(await previews(work, opts.runs));
        }
        if (!opts.skip.has("check-manifests")) {
            sections.push(await measureCheckManifests(opts.runs, log));
        }
        if (!opts.skip.has("test-unit")) {
            sections.push(await measureUnitTests(outDir, opts.runs, log));
        }
        if (!opts.skip.has("npm-test")) {
            sections.push(await measureNpmTest(outDir, log));
        }
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
    const report = renderReport(
        {
            command: ["npm run bench", ...(argv.length ? ["--", ...argv] : [])].join(" "),
            date,
            // Without previews nothing needs the Pulumi toolchain: do not build or wait for it just to print its version.
            machine: describeMachine(opts.skip.has("previews") ? process.env : toolchainEnv()),
            loadAtStart,
            loadAtEnd: loadAverage(),
            busy,
        },
        sections,
    );
    fs.writeFileSync(path.join(outDir, "report.md"), `${report}\n`);
    console.log(report);
    log(`report and logs in ${path.relative(process.cwd(), outDir)}`);
}

main(process.argv.slice(2)).catch((e) => {
    console.error(`bench failed: ${e instanceof Error ? e.message : e}\n${USAGE}`);
    process.exit(1);
});
