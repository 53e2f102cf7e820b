/** The one-line verdict of a load run (issue 8: `scaled FROM -> TO replicas in S s; ...`). */
import { LoadResult, OBSERVED } from "./runLoad";
import { ms } from "./stats";

/** Observed desired replicas over time (numeric observations only). */
export function desiredSeries(result: LoadResult): Array<{ t: number; replicas: number }> {
    return result.series
        .map((p) => ({ t: p.t, replicas: p.observed[OBSERVED.desiredReplicas] }))
        .filter((p): p is { t: number; replicas: number } => typeof p.replicas === "number");
}

/**
 * FROM = the first observed desired replica count, TO = the highest; S = seconds from the start
 * of the load to the first observation of TO (resolution: the tick interval).
 */
export function summaryLine(result: LoadResult): string {
    const s = result.summary;
    const desired = desiredSeries(result);
    let scaling: string;
    if (desired.length === 0) {
        scaling = "replicas not observed";
    } else {
        const from = desired[0].replicas;
        const to = Math.max(...desired.map((d) => d.replicas));
        const reached = desired.find((d) => d.replicas === to)!;
        const last = desired[desired.length - 1].replicas;
        scaling =
            to === from
                ? `stayed at ${from} replicas for ${result.seconds.toFixed(0)} s`
                : `scaled ${from} -> ${to} replicas in ${reached.t.toFixed(0)} s${last !== to ? ` (${last} at the end)` : ""}`;
    }
    const failed = s.failed > 0 ? ` (${Object.entries(s.failures).map(([why, n]) => `${n}x ${why}`).join(", ")})` : "";
    return (
        `${scaling}; client TTFT p50 ${ms(s.ttftP50Ms)}, p95 ${ms(s.ttftP95Ms)}; ITL p50 ${ms(s.itlP50Ms)}; ` +
        `${s.ok} ok, ${s.failed} failed${failed}; ${s.requestsPerSecond.toFixed(1)} req/s over ${result.seconds.toFixed(0)} s`
    );
}
