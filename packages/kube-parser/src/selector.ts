/**
 * Kubernetes label selectors (`matchLabels` + `matchExpressions`), evaluated as the API
 * server does: every requirement must hold; an empty selector matches everything.
 */
export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** True when `labels` satisfy `selector`. */
export function matchesSelector(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
    const have = labels ?? {};
    for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) {
        if (have[k] !== String(v)) {
            return false;
        }
    }
    for (const e of selector?.matchExpressions ?? []) {
        const present = Object.prototype.hasOwnProperty.call(have, e.key);
        const values = (e.values ?? []).map(String);
        switch (e.operator) {
            case "In":
                if (!present || !values.includes(have[e.key])) return false;
                break;
            case "NotIn":
                if (present && values.includes(have[e.key])) return false;
                break;
            case "Exists":
                if (!present) return false;
                break;
            case "DoesNotExist":
                if (present) return false;
                break;
            default:
                return false; // an unknown operator selects nothing
        }
    }
    return true;
}

/** `app=vllm,tier in (a,b)`: a selector as `kubectl` prints it, for messages. */
export function formatSelector(selector: LabelSelector | undefined): string {
    const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
    for (const e of selector?.matchExpressions ?? []) {
        const vals = (e.values ?? []).join(",");
        parts.push(e.operator === "Exists" ? e.key : e.operator === "DoesNotExist" ? `!${e.key}` : `${e.key} ${e.operator.toLowerCase()} (${vals})`);
    }
    return parts.length ? parts.join(",") : "<everything>";
}
