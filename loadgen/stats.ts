/** Percentiles for the load generator's client-side latencies. */

/** Nearest-rank percentile (p in [0, 100]) of unsorted values; undefined when empty. */
export function percentile(values: readonly number[], p: number): number | undefined {
    if (values.length === 0) return undefined;
    const sorted = [...values].sort((a, b) => a - b);
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** `123 ms`, or `-` when there is no value. */
export function ms(v: number | undefined): string {
    return v === undefined ? "-" : `${Math.round(v)} ms`;
}
