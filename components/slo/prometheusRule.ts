/**
 * The PrometheusRule of a VllmService: SLI recording rules (./sliRules), multi-window
 * multi-burn-rate SLO alerts (./burnRateAlerts) and capacity alerts (./capacityAlerts), put in
 * two groups. Pure: returns the `spec` of a `monitoring.coreos.com/v1` PrometheusRule (which is
 * also a valid Prometheus rule file, so promtool can check it).
 */
import { burnRateAlerts } from "./burnRateAlerts";
import { capacityAlerts } from "./capacityAlerts";
import { PrometheusRuleSpec } from "./ruleTypes";
import type { ResolvedSlo } from "./settings";
import { sliRecordingRules } from "./sliRules";
import { SloTarget } from "./target";

// Where these lived before the split; importers of ./prometheusRule keep working.
export { ALERT_NAMES, SEVERITY, runbookUrl } from "./alertCatalogue";
export { RECORDS, SLI_WINDOWS, recordingRuleNames } from "./records";
export type { AlertingRule, PrometheusRuleSpec, RecordingRule, Rule, RuleGroup } from "./ruleTypes";
export { targetSelectors } from "./target";
export type { SloTarget } from "./target";

/** Name prefix of the rule groups: one pair per service, unique in a Prometheus. */
export function ruleGroupPrefix(target: SloTarget): string {
    return `vllm-slo.${target.namespace}.${target.serviceName}`;
}

/**
 * Builds the PrometheusRule spec for one service.
 *
 * Groups: `<prefix>.sli` (recording rules over every window the alerts need, plus queue depth
 * and saturation) and `<prefix>.alerts` (burn-rate and capacity alerts). Every alert has a
 * `severity` (critical = page, warning = ticket), a `summary`, a `description` and a
 * `runbook_url`, plus the user's `alertLabels`.
 */
export function buildPrometheusRuleSpec(slo: ResolvedSlo, target: SloTarget): PrometheusRuleSpec {
    const prefix = ruleGroupPrefix(target);
    return {
        groups: [
            { name: `${prefix}.sli`, rules: sliRecordingRules(slo, target) },
            { name: `${prefix}.alerts`, rules: [...burnRateAlerts(slo, target), ...capacityAlerts(slo, target)] },
        ],
    };
}

/** All PromQL expressions of a rule spec. */
export function ruleExpressions(spec: PrometheusRuleSpec): string[] {
    return spec.groups.flatMap((g) => g.rules.map((r) => r.expr));
}
