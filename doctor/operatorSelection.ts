/**
 * Which Prometheus (prometheus-operator's `Prometheus` object) picks up a ServiceMonitor or a
 * PrometheusRule, with the Operator's semantics (pkg/apis/monitoring v1 prometheus_types.go,
 * v0.93.1): a null object selector selects nothing and an empty one everything; a null namespace
 * selector means the Prometheus' own namespace only and an empty one every namespace.
 */
import { LabelSelector, formatSelector, matchesSelector } from "@vllm-pulumi/kube-parser";

export interface PrometheusFact {
    namespace: string;
    name: string;
    serviceMonitorSelector?: LabelSelector | null;
    serviceMonitorNamespaceSelector?: LabelSelector | null;
    ruleSelector?: LabelSelector | null;
    ruleNamespaceSelector?: LabelSelector | null;
}

export interface SelectedObject {
    namespace: string;
    labels: Record<string, string>;
    /** Labels of the object's namespace (for the namespace selectors). */
    namespaceLabels: Record<string, string>;
}

export type SelectorKind = "serviceMonitor" | "rule";

function selectors(p: PrometheusFact, kind: SelectorKind): [LabelSelector | null | undefined, LabelSelector | null | undefined] {
    return kind === "serviceMonitor" ? [p.serviceMonitorSelector, p.serviceMonitorNamespaceSelector] : [p.ruleSelector, p.ruleNamespaceSelector];
}

/** Why `p` does not select `o`, or undefined when it does. */
export function whyNotSelected(p: PrometheusFact, kind: SelectorKind, o: SelectedObject): string | undefined {
    const [objSel, nsSel] = selectors(p, kind);
    const field = kind === "serviceMonitor" ? "serviceMonitorSelector" : "ruleSelector";
    if (objSel === null || objSel === undefined) return `${p.namespace}/${p.name} has no ${field} (selects nothing)`;
    if (!matchesSelector(objSel, o.labels)) return `${p.namespace}/${p.name} selects ${formatSelector(objSel)}`;
    if (nsSel === null || nsSel === undefined) {
        return o.namespace === p.namespace ? undefined : `${p.namespace}/${p.name} looks only in its own namespace ${p.namespace} (no ${field.replace("Selector", "NamespaceSelector")})`;
    }
    if (!matchesSelector(nsSel, o.namespaceLabels)) return `${p.namespace}/${p.name} looks only in namespaces with ${formatSelector(nsSel)}`;
    return undefined;
}

export function selecting(ps: PrometheusFact[], kind: SelectorKind, o: SelectedObject): PrometheusFact[] {
    return ps.filter((p) => whyNotSelected(p, kind, o) === undefined);
}

/** The labels a Prometheus asks for by matchLabels (what to set `serviceMonitorLabels` to), if any. */
export function wantedLabels(p: PrometheusFact, kind: SelectorKind): Record<string, string> | undefined {
    const [objSel] = selectors(p, kind);
    const ml = objSel?.matchLabels;
    return ml && Object.keys(ml).length > 0 ? ml : undefined;
}
