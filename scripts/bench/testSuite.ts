/**
 * How long the test suite makes a developer wait: `npm run test:unit` (median of N) and the
 * whole `npm test` once, without the elasticity-loop tests (their own budget). Each run's output
 * goes to a log file that is kept and named when the run fails.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../toolchain";
import { Figure, Section } from "./report";
import { medianSample, Sample, seconds, timed } from "./stats";

/** The tag of the elasticity-loop tests (in their describe names); excluded from the 5-minute figure. */
export const ELASTICITY_TAG = "@elasticity";
export const TARGETS = { unitSeconds: 15, npmTestSeconds: 5 * 60 };

interface Run {
    sample: Sample;
    code: number;
    log: string;
}

/** Runs `npm ARGS` in the repo with its output in `log`; resolves with the exit code and timing. */
function npm(args: string[], log: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
    let code = -1;
    return timed(
        () =>
            new Promise<void>((resolve, reject) => {
                const out = fs.openSync(log, "w");
                const child = spawn("npm", args, { cwd: REPO_ROOT, stdio: ["ignore", out, out], env });
                child.on("error", reject);
                child.on("close", (c) => {
                    fs.closeSync(out);
                    code = c ?? -1;
                    resolve();
                });
            }),
    ).then((sample) => ({ sample, code, log }));
}

function failed(runs: Run[]): string {
    const bad = runs.filter((r) => r.code !== 0);
    return bad.length === 0 ? "" : ` (FAILED: exit ${bad[0].code}, see ${bad[0].log})`;
}

/**
 * A `go` first on PATH that only records how it was called and fails: every Go build (and every
 * tools/ensure-toolchain.sh run, which asks `go env` first) in the unit tests shows up in `calls`.
 */
export function goRecorder(dir: string): { env: NodeJS.ProcessEnv; calls: () => string[] } {
    const bin = path.join(dir, "go-recorder");
    const calls = path.join(dir, "go-calls.log");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, "go"), `#!/bin/sh\necho "go $*" >> '${calls}'\necho "npm run test:unit must not need Go (go $*)" >&2\nexit 1\n`, { mode: 0o755 });
    return {
        env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` },
        calls: () => (fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").split("\n").filter(Boolean) : []),
    };
}

export async function measureUnitTests(dir: string, runs: number, log: (msg: string) => void): Promise<Section> {
    const go = goRecorder(dir);
    const results: Run[] = [];
    for (let i = 1; i <= runs; i++) {
        log(`test:unit: run ${i}/${runs}`);
        results.push(await npm(["run", "test:unit"], path.join(dir, `test-unit-${i}.log`), go.env));
    }
    const m = medianSample(results.map((r) => r.sample));
    const ok = results.every((r) => r.code === 0);
    const goCalls = go.calls();
    const figures: Figure[] = [
        {
            label: "`npm run test:unit`",
            value: `${seconds(m.wall)}${failed(results)}`,
            cpu: seconds(m.cpu),
            target: `<= ${TARGETS.unitSeconds} s`,
            met: ok && m.wall <= TARGETS.unitSeconds,
        },
        {
            label: "`npm run test:unit` needs no Go (a recording `go` first on PATH)",
            value: goCalls.length === 0 ? "no call of go" : `${goCalls.length} call(s), first: ${goCalls[0]}`,
            target: "no Go build",
            met: goCalls.length === 0,
        },
    ];
    return { name: "test-unit", title: "unit tests", how: `\`npm run test:unit\`, median of ${runs}`, figures };
}

export async function measureNpmTest(dir: string, log: (msg: string) => void): Promise<Section> {
    const args = ["test", "--", "--grep", ELASTICITY_TAG, "--invert"];
    log(`npm ${args.join(" ")} (minutes)`);
    const r = await npm(args, path.join(dir, "npm-test.log"));
    const figure: Figure = {
        label: `\`npm test\` without ${ELASTICITY_TAG}`,
        value: `${seconds(r.sample.wall)}${failed([r])}`,
        cpu: seconds(r.sample.cpu),
        target: `<= ${TARGETS.npmTestSeconds / 60} min`,
        met: r.code === 0 && r.sample.wall <= TARGETS.npmTestSeconds,
    };
    return { name: "npm-test", title: "whole suite", how: `\`npm ${args.join(" ")}\`, toolchain cached, once`, figures: [figure] };
}
