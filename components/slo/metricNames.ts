/**
 * Which scraped series the generated objects read: what an image upgrade must keep exporting
 * (a renamed vLLM metric silently blinds the alerts and stops the HPA).
 */
import { AdapterConfig } from "./adapterRule";
import { GrafanaDashboard, dashboardExpressions } from "./dashboard";
import { metricNamesIn } from "./promql";
import { PrometheusRuleSpec } from "./ruleTypes";

/** The rendered objects to read names from; any may be left out. */
export interface RenderedSloObjects {
    rules?: PrometheusRuleSpec;
    adapter?: AdapterConfig;
    dashboard?: GrafanaDashboard;
}

/**
 * Every series name the given objects read from Prometheus, sorted and unique: the names in the
 * rules' expressions except the rules' own recorded series, the series the adapter rule discovers
 * (its `seriesQuery`; the metrics query reads those same series through `<<.Series>>`), and the
 * dashboard's queries.
 */
export function metricNamesReadBy(objects: RenderedSloObjects): string[] {
    const rules = objects.rules?.groups.flatMap((g) => g.rules) ?? [];
    const recorded = new Set(rules.flatMap((r) => ("record" in r ? [r.record] : [])));
    const exprs = [
        ...rules.map((r) => r.expr),
        ...(objects.adapter?.rules.map((r) => r.seriesQuery) ?? []),
        ...(objects.dashboard ? dashboardExpressions(objects.dashboard) : []),
    ];
    return [...new Set(exprs.flatMap(metricNamesIn))].filter((n) => !recorded.has(n)).sort();
}
