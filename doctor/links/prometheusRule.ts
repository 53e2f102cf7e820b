/**
 * Link 9: the stack's PrometheusRule (SLIs, burn-rate and capacity alerts) is loaded by a
 * Prometheus: its groups appear in /api/v1/rules, healthy.
 */
import { PrometheusFact, selecting, whyNotSelected } from "../operatorSelection";
import { Verdict } from "../types";

export interface RuleObjectFact {
    name: string;
    labels: Record<string, string>;
    groups: string[];
}

export interface PrometheusRuleFacts {
    namespace: string;
    namespaceLabels: Record<string, string>;
    /** PrometheusRules in the namespace; undefined with rulesObjectsError. */
    rules?: RuleObjectFact[];
    rulesObjectsError?: string;
    prometheuses?: PrometheusFact[];
    /** Groups Prometheus has loaded; undefined with loadedError. */
    loaded?: { name: string; file: string; unhealthy: string[] }[];
    loadedError?: string;
}

/** The Operator names rule files `<namespace>-<name>-<uid>.yaml` (older versions: without the uid). */
function fromObject(file: string, namespace: string, name: string): boolean {
    const base = file.split("/").pop() ?? "";
    return base.startsWith(`${namespace}-${name}-`) || base === `${namespace}-${name}.yaml`;
}

export function judgePrometheusRule(f: PrometheusRuleFacts): Verdict {
    if (!f.rules) return { status: "not checked", detail: `cannot list PrometheusRules in ${f.namespace}: ${f.rulesObjectsError ?? "unknown"}` };
    if (f.rules.length === 0) return { status: "not checked", detail: `no PrometheusRule in ${f.namespace} (prometheusRuleEnabled=false?)` };
    if (!f.loaded) return { status: "not checked", detail: `cannot ask Prometheus for its rules: ${f.loadedError ?? "no Prometheus"}`, fix: "pass --prometheus-url (or set PROMETHEUS_URL)" };
    const problems: string[] = [];
    let fix = "";
    let groups = 0;
    for (const r of f.rules) {
        const mine = f.loaded.filter((g) => fromObject(g.file, f.namespace, r.name));
        const missing = r.groups.filter((g) => !mine.some((m) => m.name === g));
        if (missing.length > 0) {
            const obj = { namespace: f.namespace, labels: r.labels, namespaceLabels: f.namespaceLabels };
            const chosen = f.prometheuses ? selecting(f.prometheuses, "rule", obj) : undefined;
            if (chosen && chosen.length === 0) {
                const why = f.prometheuses!.map((p) => whyNotSelected(p, "rule", obj)).join("; ") || "no Prometheus object";
                problems.push(`PrometheusRule ${f.namespace}/${r.name} is selected by no Prometheus (${why})`);
                fix = "label the PrometheusRule as your Prometheus' ruleSelector asks (the component labels it with serviceMonitorLabels), or widen ruleSelector/ruleNamespaceSelector";
            } else {
                problems.push(`${missing.length}/${r.groups.length} groups of PrometheusRule ${f.namespace}/${r.name} not loaded (${missing.join(", ")})`);
                fix ||= "the Operator and the config reloader load a new rule within about a minute: wait; if it stays, read the Operator's logs (a rule Prometheus rejects is dropped)";
            }
        }
        for (const g of mine) {
            groups++;
            if (g.unhealthy.length > 0) {
                problems.push(`group ${g.name} has failing rules: ${g.unhealthy.join("; ")}`);
                fix ||= "a rule fails to evaluate: read its lastError in Prometheus' /rules page";
            }
        }
    }
    if (problems.length > 0) return { status: "broken", detail: problems.join("; "), fix };
    return { status: "ok", detail: `${groups} rule groups of ${f.rules.map((r) => r.name).join(", ")} loaded and healthy` };
}
