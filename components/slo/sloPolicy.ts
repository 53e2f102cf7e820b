/**
 * The multi-window, multi-burn-rate alert policy and its arithmetic. Pure numbers: the rule
 * builders, the settings validation and the tests share them.
 */

/**
 * The multi-window, multi-burn-rate alert policy (Google SRE Workbook, "Alerting on SLOs",
 * recommendation 6): two page conditions and two ticket conditions, each a long window (which
 * measures the burn) AND a short window (1/12 of it, so the alert resets soon after the burn
 * stops). `budgetShare` is the share of the whole window's error budget the long window must
 * have consumed; the burn-rate threshold follows from the SLO window length.
 */
export const BURN_RATE_POLICY = [
    { severity: "page", long: "1h", short: "5m", longHours: 1, budgetShare: 0.02 },
    { severity: "page", long: "6h", short: "30m", longHours: 6, budgetShare: 0.05 },
    { severity: "ticket", long: "1d", short: "2h", longHours: 24, budgetShare: 0.1 },
    { severity: "ticket", long: "3d", short: "6h", longHours: 72, budgetShare: 0.1 },
] as const;

export type BurnSeverity = (typeof BURN_RATE_POLICY)[number]["severity"];

/** Burn-rate threshold: budgetShare x window / long window. 30 days gives 14.4, 6, 3 and 1. */
export function burnRateThreshold(windowDays: number, longHours: number, budgetShare: number): number {
    return round((budgetShare * windowDays * 24) / longHours);
}

/** Rounds away binary noise (1 - 0.99 = 0.010000000000000009) so rendered numbers read cleanly. */
export function round(x: number): number {
    return Number(x.toPrecision(10));
}
