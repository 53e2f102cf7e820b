/**
 * What every alert shares: its name, the Alertmanager severity, the runbook link, the user's
 * extra labels, and how numbers read in annotations.
 */
import type { ResolvedSlo } from "./settings";
import { BurnSeverity, round } from "./sloPolicy";

/** Alertmanager severities: pages are `critical`, tickets `warning` (kube-prometheus conventions). */
export const SEVERITY: Record<BurnSeverity, string> = { page: "critical", ticket: "warning" };

/** Names of every alert, for tests, routing and the README's runbook headings. */
export const ALERT_NAMES = {
    ttftBurn: "VllmTTFTBudgetBurn",
    tpotBurn: "VllmTPOTBudgetBurn",
    errorBurn: "VllmErrorBudgetBurn",
    queueAtMax: "VllmQueueAboveTargetAtMaxReplicas",
    hpaMetricUnavailable: "VllmHPAMetricUnavailable",
    metricsAbsent: "VllmMetricsAbsent",
} as const;

/** Runbook link of an alert: `<base>#<alert name in lower case>` (a GitHub heading anchor). */
export function runbookUrl(slo: ResolvedSlo, alert: string): string {
    return `${slo.runbookBaseUrl}#${alert.toLowerCase()}`;
}

/** The labels of an alert: the user's `alertLabels`, then the rule's own (which win). */
export function alertLabels(slo: ResolvedSlo, own: Record<string, string>): Record<string, string> {
    return { ...slo.alertLabels, ...own };
}

/** `0.5` -> `500ms`, `2.5` -> `2.5s`. */
export function fmtSeconds(s: number): string {
    return s < 1 ? `${round(s * 1000)}ms` : `${s}s`;
}

/** `0.01` -> `1%`. */
export function pct(x: number): string {
    return `${round(x * 100)}%`;
}

/** `namespace/service`, how summaries name the service. */
export function serviceRef(target: { namespace: string; serviceName: string }): string {
    return `${target.namespace}/${target.serviceName}`;
}
