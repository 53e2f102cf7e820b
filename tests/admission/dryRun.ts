/**
 * `kubectl apply --dry-run=server` of one object, read back as what admission decided: which
 * ValidatingAdmissionPolicy denied it (the API server reports the first), the warnings of the
 * others, or an error that is not a policy's (validation, unknown kind).
 */
import { execFile } from "child_process";

export interface PolicyMessage {
    policy: string;
    message: string;
}

export interface DryRunOutcome {
    admitted: boolean;
    denied?: PolicyMessage;
    warnings: PolicyMessage[];
    /** Why the API server refused it when no policy did (schema validation, kind not served...). */
    error?: string;
}

const WARNING_RE = /^Warning: Validation failed for ValidatingAdmissionPolicy '([^']+)' with binding '[^']+': (.*)$/;
const DENIED_RE = /ValidatingAdmissionPolicy '([^']+)' with binding '[^']+' denied request: (.*)$/;

export type Kubectl = (args: string[], input?: string) => Promise<{ code: number; stdout: string; stderr: string }>;

/** A kubectl bound to a kubeconfig that resolves with the exit code instead of rejecting. */
export function kubectlFor(binary: string, kubeconfig: string): Kubectl {
    return (args, input) =>
        new Promise((resolve, reject) => {
            const child = execFile(binary, [`--kubeconfig=${kubeconfig}`, ...args], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
                if (err && typeof (err as { code?: unknown }).code !== "number") reject(err);
                else resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr });
            });
            if (input !== undefined) child.stdin?.end(input);
        });
}

export async function dryRunApply(kubectl: Kubectl, obj: object): Promise<DryRunOutcome> {
    const r = await kubectl(["apply", "--dry-run=server", "-f", "-"], JSON.stringify(obj));
    const lines = r.stderr.split("\n");
    const warnings = lines.flatMap(l => {
        const m = WARNING_RE.exec(l);
        return m ? [{ policy: m[1], message: m[2] }] : [];
    });
    if (r.code === 0) return { admitted: true, warnings };
    const denial = lines.map(l => DENIED_RE.exec(l)).find(m => m);
    if (denial) return { admitted: false, denied: { policy: denial[1], message: denial[2] }, warnings };
    return { admitted: false, warnings, error: lines.filter(l => l && !l.startsWith("Warning:")).join(" ").slice(0, 500) };
}
