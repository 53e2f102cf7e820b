/** What the doctor prints: one line per link (text), or one JSON document (`--json`). Pure. */
import { ChainOutcome } from "./chain";
import { LinkResult, Target } from "./types";

const MARK: Record<LinkResult["status"], string> = { ok: "ok     ", broken: "BROKEN ", "not checked": "skipped" };

export function linkLine(r: LinkResult): string {
    const after = r.after ? ` [after ${r.after}]` : "";
    const fix = r.fix && r.status !== "ok" ? ` -> fix: ${r.fix}` : "";
    return `${MARK[r.status]} ${r.link.padEnd(23)} ${r.detail}${fix}${after}`;
}

export function textReport(t: Target, where: string, o: ChainOutcome): string {
    const lines = [`doctor: ${t.source}: ${t.namespace}/${t.deployment} (${where})`, ...o.results.map(linkLine)];
    lines.push(
        o.firstBroken
            ? `first broken link: ${o.firstBroken.link} (${o.firstBroken.title}); fix: ${o.firstBroken.fix ?? "see above"}`
            : o.unjudged.length > 0
              ? `no link is broken, but ${o.unjudged.length} could not be judged: ${o.unjudged.map((r) => r.link).join(", ")} (see why above)`
              : "every link holds",
    );
    return lines.join("\n");
}

export function jsonReport(t: Target, where: string, o: ChainOutcome): string {
    return JSON.stringify({ target: t, where, ok: o.exitCode === 0, firstBroken: o.firstBroken?.link ?? null, links: o.results }, null, 2);
}
