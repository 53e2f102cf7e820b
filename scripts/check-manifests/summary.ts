/**
 * The summary line check-manifests ends with, and the objects the pack did not inspect: a
 * custom resource it does not know may run a vLLM server, so it is named, never counted as checked.
 */
import { coverageOf, kubeObject } from "@vllm-pulumi/kube-parser";
import type { PolicyInput, Violation } from "../../policy/runPolicies";

/** How many not-inspected objects to name before "and N more". */
const MAX_NAMED = 20;

/** `Kind/name` of every object whose kind the pack does not know. */
export function notInspected(resources: readonly PolicyInput[]): string[] {
    const out: string[] = [];
    for (const r of resources) {
        const obj = kubeObject(r.type, r.props);
        if (obj && coverageOf(obj) === "unknown") out.push(`${obj.kind}/${r.name}`);
    }
    return out;
}

/** The stderr lines that end a run. */
export function summaryLines(violations: readonly Violation[], resources: readonly PolicyInput[], files: number, unreadable: number): string[] {
    const mandatory = violations.filter(v => v.enforcementLevel === "mandatory").length;
    const skipped = notInspected(resources);
    const lines = [
        `check-manifests: ${violations.length} violation(s), ${mandatory} mandatory, in ${resources.length} object(s) from ${files} file(s)` +
            (skipped.length ? `; ${skipped.length} not inspected` : "") +
            (unreadable ? `; ${unreadable} file(s) could not be checked` : ""),
    ];
    if (skipped.length) {
        const named = skipped.slice(0, MAX_NAMED).join(", ");
        lines.push(`check-manifests: not inspected: ${named}${skipped.length > MAX_NAMED ? ` and ${skipped.length - MAX_NAMED} more` : ""} (kinds the pack does not know)`);
    }
    return lines;
}
