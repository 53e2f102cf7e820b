/**
 * Prometheus durations as the Prometheus Operator's CRDs accept them. The pattern is the
 * `Duration` type's kubebuilder validation in github.com/prometheus-operator/prometheus-operator
 * pkg/apis/monitoring v0.93.1 (v1/types.go): each unit at most once, largest first, or `0`.
 * So `1m30s` passes and `30s1m` (which Prometheus itself would parse) is refused by the API server.
 */
export const OPERATOR_DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

const UNIT_MS: Record<string, number> = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Prometheus keeps durations as Go time.Duration: int64 nanoseconds, about 292 years. */
const MAX_MS = Number(2n ** 63n - 1n) / 1e6;

/** Milliseconds of a duration the Operator accepts, or undefined when the pattern rejects it. */
export function durationMs(s: string): number | undefined {
    if (!OPERATOR_DURATION.test(s)) return undefined;
    let total = 0;
    for (const [, n, unit] of s.matchAll(/([0-9]+)(ms|[ywdhms])/g)) total += Number(n) * UNIT_MS[unit];
    return total;
}

/** Why a scrape interval is unusable, or undefined: the CRD's pattern, non-zero, within Go's range. */
export function scrapeDurationProblem(s: string): string | undefined {
    const ms = durationMs(s);
    if (s === "" || ms === undefined) {
        return `"${s}" is not a duration the Prometheus Operator accepts: units y, w, d, h, m, s, ms, each at most once and largest first (e.g. "15s", "1m30s")`;
    }
    if (ms === 0) return `"${s}" is zero; a scrape interval must be positive`;
    if (ms > MAX_MS) return `"${s}" is longer than Prometheus can represent (about 292 years)`;
    return undefined;
}

/** The shortest Operator-style spelling of a positive number of milliseconds (`90000` -> `1m30s`). */
export function formatDuration(ms: number): string {
    if (!Number.isFinite(ms) || ms <= 0) throw new Error(`not a positive duration: ${ms} ms`);
    let rest = Math.round(ms);
    let out = "";
    for (const unit of ["y", "w", "d", "h", "m", "s", "ms"]) {
        const n = Math.floor(rest / UNIT_MS[unit]);
        if (n > 0) out += `${n}${unit}`;
        rest -= n * UNIT_MS[unit];
    }
    return out;
}
