/**
 * check-manifests: the policy pack on plain Kubernetes YAML that never went through Pulumi
 * (Helm output, kubectl manifests), through the same code path as the pack.
 *
 *   npm run --silent check-manifests -- [--policy-pack-config FILE.json] FILE...   ("-" reads stdin)
 *
 * Prints one line per violation: `<policy> <Kind/namespace/name> <message> [<level>]`.
 * All files together form one "stack" for the stack policies (ServiceMonitor -> Service).
 * Every file is reported, also when another cannot be read.
 * Exit status: 2 bad usage or any file unreadable/invalid, else 1 mandatory violations, else 0.
 *
 * `npm run check-manifests` runs the compiled copy (scripts/check-manifests/run.js); tests
 * import this module directly.
 */
import * as fs from "fs";
import { parseArgs } from "node:util";
import type { PolicyPackConfig } from "@pulumi/policy";
import { kubeObject, objectRef } from "@vllm-pulumi/kube-parser";
import { policies } from "../policy/policies";
import { PolicyInput, runPolicies } from "../policy/runPolicies";
import { FileResult, parseManifestText, readManifestFile, readText } from "./check-manifests/read";
import { summaryLines } from "./check-manifests/summary";

export { FileResult, parseManifestText, readManifestFile };

/** Bad usage or an unreadable config: reported on stderr with exit status 2. */
class UsageError extends Error {}

const USAGE = "usage: npm run --silent check-manifests -- [--policy-pack-config FILE.json] FILE... ('-' reads stdin)";

/** The objects of one text; throws on a problem (for tests and callers that want all-or-nothing). */
export function parseManifests(text: string, source: string): PolicyInput[] {
    const r = parseManifestText(text, source);
    if (r.error) throw new Error(r.error);
    return r.resources;
}

function readConfig(file: string): PolicyPackConfig {
    let text: string;
    try {
        text = readText(file);
    } catch (e) {
        throw new UsageError(`${file}: cannot read: ${(e as Error).message}`);
    }
    try {
        const config = JSON.parse(text);
        if (!config || typeof config !== "object" || Array.isArray(config)) throw new Error("expected a JSON object");
        return config;
    } catch (e) {
        throw new UsageError(`${file}: invalid policy pack config: ${(e as Error).message}`);
    }
}

/** `Kind/namespace/name` of the object a violation is about. */
function refOf(r: PolicyInput | undefined): string {
    const obj = r && kubeObject(r.type, r.props);
    return obj ? objectRef(obj, r!.name) : "stack";
}

/** What a run found, for callers that embed the tool (the benchmark). */
export interface CheckResult {
    exitCode: number;
    objects: number;
    violations: number;
    /** Lines for stdout (one per violation) and stderr (problems, warnings, summary). */
    stdout: string[];
    stderr: string[];
}

/** Checks the files together and returns what the CLI would print and its exit status. */
export async function checkManifests(files: string[], config: PolicyPackConfig = {}): Promise<CheckResult> {
    const results: FileResult[] = files.map(readManifestFile);
    const stderr: string[] = [];
    for (const r of results) {
        stderr.push(...r.warnings.map(w => `check-manifests: ${w}`));
        if (r.error) stderr.push(`check-manifests: ${r.error}`);
    }
    const resources = results.flatMap(r => r.resources);
    const violations = await runPolicies(policies, resources, config, { manifests: true });
    const stdout = violations.map(v => `${v.policy} ${refOf(v.resource)} ${v.message} [${v.enforcementLevel}]`);
    const unreadable = results.filter(r => r.error).length;
    stderr.push(...summaryLines(violations, resources, files.length, unreadable));
    const mandatory = violations.some(v => v.enforcementLevel === "mandatory");
    return { exitCode: unreadable > 0 ? 2 : mandatory ? 1 : 0, objects: resources.length, violations: violations.length, stdout, stderr };
}

export async function main(argv: string[]): Promise<number> {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: { "policy-pack-config": { type: "string" }, config: { type: "string" }, help: { type: "boolean", short: "h" } },
        });
    } catch (e) {
        throw new UsageError(`${(e as Error).message}\n${USAGE}`);
    }
    if (parsed.values.help) {
        console.log(USAGE);
        return 0;
    }
    const configFile = parsed.values["policy-pack-config"] ?? parsed.values.config;
    const config = configFile !== undefined ? readConfig(configFile) : {};
    if (parsed.positionals.length === 0) throw new UsageError(`no files given\n${USAGE}`);
    const r = await checkManifests(parsed.positionals, config);
    if (r.stdout.length) fs.writeSync(1, r.stdout.join("\n") + "\n");
    fs.writeSync(2, r.stderr.join("\n") + "\n");
    return r.exitCode;
}

/** Runs the CLI and exits; bad usage exits 2 with the message. */
export function run(argv: string[]): void {
    main(argv).then(
        code => process.exit(code),
        e => {
            console.error(e instanceof UsageError ? `check-manifests: ${e.message}` : e);
            process.exit(2);
        },
    );
}

if (require.main === module) {
    run(process.argv.slice(2));
}
