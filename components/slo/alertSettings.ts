/**
 * Checks of the settings that end up inside every alert: `alertLabels` (Prometheus label names,
 * not Kubernetes ones) and `runbookBaseUrl`. Both may hold Go templates, which Prometheus expands;
 * ./goTemplate decides which.
 */
import { Problems, shown } from "../checks";
import { templateProblem, withoutActions } from "./goTemplate";

/** A classic Prometheus label name (`model.LabelNameRE`); `__` names are Prometheus' own. */
const PROM_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Labels the alert rules set or take from their series: routing and dedup depend on them. */
export const RESERVED_ALERT_LABELS: readonly string[] = ["severity", "slo", "alertname", "namespace", "service", "model_name", "horizontalpodautoscaler"];

/** Why `name` cannot be an extra alert label, or undefined. */
export function alertLabelNameProblem(name: string): string | undefined {
    if (!PROM_LABEL_NAME.test(name) || name.startsWith("__")) {
        return "is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)";
    }
    if (RESERVED_ALERT_LABELS.includes(name)) return "is set by the alert rules themselves and cannot be overridden";
    return undefined;
}

/** `alertLabels`: a map of Prometheus label names to non-empty values Prometheus can expand. */
export function checkAlertLabels(p: Problems, value: unknown): void {
    const key = "alertLabels";
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        p.add(key, `must be a map of label names to string values, got ${shown(value)}`);
        return;
    }
    for (const [name, v] of Object.entries(value)) {
        const nameProblem = alertLabelNameProblem(name);
        if (nameProblem) {
            p.add(key, `${shown(name)} ${nameProblem}`);
        } else if (typeof v !== "string") {
            p.add(key, `value of ${shown(name)} must be a string, got ${shown(v)}`);
        } else if (v === "") {
            p.add(key, `value of ${shown(name)} is empty: Prometheus drops a label with an empty value, so no route would see it; remove the label or give it a value`);
        } else {
            const problem = templateProblem(v);
            if (problem) p.add(key, `value of ${shown(name)} ${problem}`);
        }
    }
}

/** `runbookBaseUrl`: an absolute http(s) URL without a fragment, templates allowed where ./goTemplate allows them. */
export function checkRunbookBaseUrl(p: Problems, value: unknown): void {
    const key = "runbookBaseUrl";
    const problemsBefore = p.list.length;
    p.string(key, value);
    if (p.list.length > problemsBefore) return;
    const text = value as string;
    const problem = templateProblem(text);
    if (problem) {
        p.add(key, problem);
        return;
    }
    if (!isHttpUrlWithoutFragment(withoutActions(text))) {
        p.add(key, `must be an absolute http(s) URL without a #fragment (each alert appends #<alert>), got ${shown(text)}`);
    }
}

function isHttpUrlWithoutFragment(s: string): boolean {
    if (/\s/.test(s)) return false;
    try {
        const u = new URL(s);
        return (u.protocol === "https:" || u.protocol === "http:") && u.hash === "" && !s.includes("#");
    } catch {
        return false;
    }
}
