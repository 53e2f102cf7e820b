/**
 * The bench's output: one header (command, date, machine, load) and one table of figures, each
 * with its target and whether it was met, in Markdown so the README can show it as printed.
 */
import { Machine } from "./machine";

export interface Figure {
    /** What was measured, e.g. "dev stack" or "check-manifests start-up". */
    label: string;
    /** The figure as printed, e.g. "1.62 s (1.41x the floor)". */
    value: string;
    /** Median CPU seconds of the processes measured, where known ("" otherwise). */
    cpu?: string;
    /** The target, e.g. "<= 1.5x the floor" ("" for context figures). */
    target?: string;
    /** Whether the target was met; undefined for context figures without a target. */
    met?: boolean;
}

export interface Section {
    /** Short name used by --skip, e.g. "previews". */
    name: string;
    title: string;
    /** The command or setup the figures come from, printed above them. */
    how: string;
    figures: Figure[];
}

export interface ReportHeader {
    command: string;
    date: Date;
    machine: Machine;
    loadAtStart: string;
    loadAtEnd: string;
    /** Set when measured next to processes the bench did not start (--allow-busy). */
    busy?: string;
}

function row(cells: string[]): string {
    return `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
}

function verdict(f: Figure): string {
    return f.met === undefined ? "" : f.met ? "met" : "**missed**";
}

/** The whole report as Markdown text. */
export function renderReport(h: ReportHeader, sections: Section[]): string {
    const m = h.machine;
    const lines = [
        `\`${h.command}\`, ${h.date.toISOString().replace(/\.\d+Z$/, "Z")}`,
        `machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, pulumi ${m.pulumi}; ` +
            `1-min load average ${h.loadAtStart} at start, ${h.loadAtEnd} at the end`,
        ...(h.busy ? ["", `**measured on a busy machine (--allow-busy): ${h.busy}; not comparable with a quiet run**`] : []),
        "",
        row(["figure", "median", "CPU (median)", "target", ""]),
        row(["---", "---", "---", "---", "---"]),
    ];
    for (const s of sections) {
        lines.push(row([`**${s.title}** (${s.how})`, "", "", "", ""]));
        for (const f of s.figures) {
            lines.push(row([f.label, f.value, f.cpu ?? "", f.target ?? "", verdict(f)]));
        }
    }
    const missed = sections.flatMap((s) => s.figures).filter((f) => f.met === false);
    lines.push(
        "",
        "CPU: user + system seconds of the processes the command started and waited for; previews run under a subreaper that also reaps what nobody waits for, such as a policy pack's process (see each section's line).",
        missed.length === 0 ? "Every target met." : `Targets missed: ${missed.map((f) => f.label).join("; ")}.`,
    );
    return lines.join("\n");
}
