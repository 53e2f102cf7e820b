/**
 * Small PromQL helpers shared by the rule, adapter and dashboard builders: rendering label
 * selectors, and listing the metric names an expression references (for the tests that check
 * every name exists in the pinned vLLM, kube-state-metrics or our own recording rules).
 */

/** Renders `{a="x", b="y"}` (values escaped); `{}` renders as the empty string. */
export function selector(labels: Record<string, string>, extra: string[] = []): string {
    const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
    parts.push(...extra);
    return parts.length === 0 ? "" : `{${parts.join(", ")}}`;
}

export function escapeLabelValue(v: string): string {
    return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Keywords and operators that look like identifiers but are not metric names. */
const KEYWORDS = new Set([
    "and",
    "or",
    "unless",
    "bool",
    "offset",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "inf",
    "nan",
    "atan2",
    "start",
    "end",
]);

const AGGREGATIONS = new Set([
    "sum",
    "min",
    "max",
    "avg",
    "group",
    "stddev",
    "stdvar",
    "count",
    "count_values",
    "bottomk",
    "topk",
    "quantile",
    "limitk",
    "limit_ratio",
]);

/**
 * Metric names referenced by a PromQL expression (also accepts Grafana's `$__rate_interval`
 * and `${var}` placeholders). Identifiers that are function or aggregation calls, keywords,
 * label names in matchers or in by/without/on/ignoring/group_* clauses are not metric names.
 * Metric names in the `{__name__="x"}` form are returned too.
 */
export function metricNamesIn(expr: string): string[] {
    const names = new Set<string>();
    // {__name__="x"} selectors
    for (const m of expr.matchAll(/__name__\s*=\s*"([^"]+)"/g)) names.add(m[1]);
    let s = expr;
    // string literals (label values, label_replace args, printf formats)
    s = s.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
    // label matchers and Grafana ${var} placeholders
    s = s.replace(/\{[^{}]*\}/g, "{}");
    // range selectors and subqueries: [5m], [1h:1m], [$__rate_interval]
    s = s.replace(/\[[^\][]*\]/g, "");
    // grouping / matching label lists
    s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)/g, "$1");
    for (const m of s.matchAll(/(?<![\w.:$])[a-zA-Z_:][\w:]*/g)) {
        const id = m[0];
        const rest = s.slice((m.index ?? 0) + id.length);
        if (/^\s*\(/.test(rest)) continue; // function call or aggregation
        if (AGGREGATIONS.has(id) && /^\s*(by|without)\b/.test(rest)) continue; // `sum by (le) (...)`
        if (KEYWORDS.has(id.toLowerCase())) continue;
        names.add(id);
    }
    return [...names].sort();
}
