/** The upgrade's steps with their figures, printed as they happen and written as Markdown (for a PR comment). */

export type Gate = "preview" | "up" | "ready" | "smoke" | "metrics" | "ttft" | "complete" | "rollback";

export interface Step {
    gate: Gate;
    ok: boolean;
    /** The figure, e.g. "Ready in 12.3 s", "41/41 names", "canary 0.98 (57 requests) vs stable 0.99". */
    figure: string;
    detail?: string;
}

/** What each gate checks, for the report's footer (and the README). */
export const GATE_MEANING: Record<Gate, string> = {
    preview: "pulumi preview with the canary config and the policy pack: no mandatory violation",
    up: "pulumi up creates the canary Deployment (one replica, track=canary) beside the stable pods",
    ready: "the canary's pods are Ready within the stack's startupTimeoutSeconds",
    smoke: "npm run smoke's request against each canary pod: the model is listed and answers",
    metrics: "each canary pod exports every metric name the stack's adapter rule, recording rules and alerts read (as scraped by Prometheus)",
    ttft: "the canary's TTFT compliance over the window meets the SLO objective, or is within the tolerance of the stable pods'",
    complete: "image (and modelRevision) set in the stack's config, canary config removed, pulumi up rolls the stable Deployment",
    rollback: "canary config removed, pulumi up deletes the canary; the stable Deployment was never changed",
};

export interface ReportInput {
    stack: string;
    from: string;
    to: string;
    ok: boolean;
    failedGate?: Gate;
    steps: Step[];
    seconds: number;
}

export function stepLine(s: Step): string {
    return `upgrade: ${s.ok ? "ok  " : "FAIL"} ${s.gate.padEnd(8)} ${s.figure}${s.detail ? ` — ${s.detail}` : ""}`;
}

export function markdownReport(r: ReportInput): string {
    const verdict = r.ok ? `**completed**: the stack runs \`${r.to}\`` : `**refused at the ${r.failedGate} gate** and rolled back: the stack still runs \`${r.from}\``;
    const rows = r.steps.map((s) => `| ${s.gate} | ${s.ok ? "pass" : "**fail**"} | ${s.figure.replace(/\|/g, "\\|")} | ${(s.detail ?? "").replace(/\|/g, "\\|")} |`);
    const gates = [...new Set(r.steps.map((s) => s.gate))].map((g) => `- **${g}**: ${GATE_MEANING[g]}`);
    return [
        `### vLLM upgrade of stack \`${r.stack}\`: \`${r.from}\` -> \`${r.to}\``,
        "",
        `${verdict} (${r.seconds.toFixed(1)} s).`,
        "",
        "| step | result | figure | detail |",
        "|---|---|---|---|",
        ...rows,
        "",
        ...gates,
        "",
    ].join("\n");
}
