/** The shapes of a Prometheus rule file, which is also the `spec` of a PrometheusRule. */

export interface RecordingRule {
    record: string;
    expr: string;
    labels?: Record<string, string>;
}

export interface AlertingRule {
    alert: string;
    expr: string;
    for?: string;
    labels: Record<string, string>;
    annotations: { summary: string; description: string; runbook_url: string } & Record<string, string>;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
    name: string;
    interval?: string;
    rules: Rule[];
}

/** `spec` of a PrometheusRule; the same shape as a Prometheus rule file. */
export interface PrometheusRuleSpec {
    groups: RuleGroup[];
}
