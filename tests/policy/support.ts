/**
 * Test helpers for the policy pack, in the spirit of pulumi/compliance-policies'
 * unit-test-helpers: build the args a policy gets (through policy/runPolicies, the same
 * adapter check-manifests uses) and collect what it reports.
 */
import * as fs from "fs";
import * as path from "path";
import type { PolicyPackConfig, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { parseManifests } from "../../scripts/check-manifests";
import { policies } from "../../policy/policies";
import { PolicyInput, runPolicies, validateResource, validateStack, Violation } from "../../policy/runPolicies";

import { REPO_ROOT } from "../../scripts/toolchain";
export { REPO_ROOT };
export const FIXTURES = path.join(REPO_ROOT, "tests", "fixtures");

/** The objects of tests/fixtures/<name> as the pack sees them. */
export function fixture(name: string): PolicyInput[] {
    return parseManifests(fs.readFileSync(path.join(FIXTURES, name), "utf8"), name);
}

/** Every policy fixture: the YAML files with an `# expect:` header (other tests may share the folder). */
export function fixtureNames(): string[] {
    return fs
        .readdirSync(FIXTURES)
        .filter(f => f.endsWith(".yaml") && /^# expect: /m.test(fs.readFileSync(path.join(FIXTURES, f), "utf8")))
        .sort();
}

/**
 * A fixture's `# expect:` header: policy name -> how many violations ("none" is empty,
 * `name*2` means two). Undefined for `# expect: invalid` (input the CLI must reject).
 */
export function expectedViolations(name: string): Map<string, number> | undefined {
    const header = /^# expect: (.*)$/m.exec(fs.readFileSync(path.join(FIXTURES, name), "utf8"));
    if (!header) throw new Error(`${name} has no "# expect:" header`);
    if (header[1].trim() === "invalid") return undefined;
    const out = new Map<string, number>();
    for (const item of header[1].split(",").map(s => s.trim()).filter(s => s && s !== "none")) {
        const [policy, times] = item.split("*");
        out.set(policy, Number(times ?? 1));
    }
    return out;
}

/** Violations per policy name, counted. */
export function countByPolicy(violations: Violation[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const v of violations) out.set(v.policy, (out.get(v.policy) ?? 0) + 1);
    return out;
}

/** The whole pack on a fixture (its objects form one stack). */
export function runPack(name: string, config: PolicyPackConfig = {}): Promise<Violation[]> {
    return runPolicies(policies, fixture(name), config);
}

/** One resource policy on every object of a fixture. */
export async function runResourcePolicy(policy: ResourceValidationPolicy, name: string, config: PolicyPackConfig = {}): Promise<Violation[]> {
    const out: Violation[] = [];
    for (const r of fixture(name)) out.push(...(await validateResource(policy, r, config)));
    return out;
}

/** One stack policy on a fixture's objects. */
export function runStackPolicy(policy: StackValidationPolicy, name: string, config: PolicyPackConfig = {}): Promise<Violation[]> {
    return validateStack(policy, fixture(name), config);
}

/** The messages of a list of violations. */
export const messages = (vs: Violation[]): string[] => vs.map(v => v.message);
