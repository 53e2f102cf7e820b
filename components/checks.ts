/**
 * Small typed checks that collect problems instead of throwing, so a user sees every
 * mistake at once. Each message starts with the arg (and config) key it is about.
 */
import { parseQuantity } from "@vllm-pulumi/kube-parser";
import { scrapeDurationProblem } from "./durations";
import {
    configMapKeyProblem,
    dns1035LabelProblem,
    dns1123LabelProblem,
    dns1123SubdomainProblem,
    labelKeyProblem,
    labelValueProblem,
} from "./kubeNames";

/** How much of a value a message repeats: enough to recognise it, never a megabyte. */
export const SHOWN_MAX = 64;

/** `s`, or its first {@link SHOWN_MAX} characters and its length: `aaaa… (1048576 chars)`. */
export function truncate(s: string, max = SHOWN_MAX): string {
    return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} chars)`;
}

/**
 * A value as a message shows it: JSON (so `""` and `"16Gi "` are visible), truncated, and numbers
 * JSON cannot write (`Infinity`, `NaN`) as themselves instead of `null`.
 */
export function shown(value: unknown): string {
    if (typeof value === "string") {
        return value.length <= SHOWN_MAX ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, SHOWN_MAX))}… (${value.length} chars)`;
    }
    if (typeof value === "number" || typeof value === "bigint" || value === undefined || typeof value === "function" || typeof value === "symbol") {
        return String(value);
    }
    let json: string;
    try {
        json = JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : typeof v === "bigint" ? String(v) : v));
    } catch {
        json = String(value); // a cycle
    }
    return truncate(json);
}

/** The largest value of an int32 field (replicas, probe thresholds, HPA bounds and periods...). */
export const INT32_MAX = 2 ** 31 - 1;

export class Problems {
    readonly list: string[] = [];

    add(key: string, message: string): void {
        this.list.push(`${key}: ${message}`);
    }

    /**
     * An integer within [min, max]. The default max is int32's, the type of every Kubernetes field
     * an integer arg ends up in; `why` says which field a smaller max comes from.
     */
    integer(key: string, value: unknown, min: number, max = INT32_MAX, why = "the Kubernetes field is int32"): number {
        if (typeof value !== "number" || !Number.isInteger(value)) {
            this.add(key, `must be an integer, got ${shown(value)}`);
        } else if (value < min) {
            this.add(key, `must be >= ${min}, got ${value}`);
        } else if (value > max) {
            this.add(key, `must be <= ${max} (${why}), got ${value}`);
        }
        return value as number;
    }

    /** A finite number, strictly positive. */
    positive(key: string, value: unknown): number {
        if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
            this.add(key, `must be a number > 0, got ${shown(value)}`);
        }
        return value as number;
    }

    boolean(key: string, value: unknown): boolean {
        if (typeof value !== "boolean") {
            this.add(key, `must be true or false, got ${shown(value)}`);
        }
        return value as boolean;
    }

    /** A non-empty string without whitespace matching `pattern` (described by `what`). */
    string(key: string, value: unknown, pattern?: RegExp, what?: string): string {
        if (typeof value !== "string" || value.trim() === "") {
            this.add(key, `must be a non-empty string, got ${shown(value)}`);
        } else if (pattern && !pattern.test(value)) {
            this.add(key, `${shown(value)} is not ${what}`);
        }
        return value as string;
    }

    /** A non-empty string that `rule` (one of kubeNames' API-server rules) accepts. */
    private named(key: string, value: unknown, rule: (s: string) => string | undefined): string {
        if (typeof value !== "string" || value === "") {
            this.add(key, `must be a non-empty string, got ${shown(value)}`);
        } else {
            const problem = rule(value);
            if (problem) this.add(key, `${shown(value)} ${problem}`);
        }
        return value as string;
    }

    /** A DNS-1035 label (Service names). */
    dns1035(key: string, value: unknown): string {
        return this.named(key, value, dns1035LabelProblem);
    }

    /** A DNS-1123 label (namespaces). */
    dns1123(key: string, value: unknown): string {
        return this.named(key, value, dns1123LabelProblem);
    }

    /** A DNS-1123 subdomain (Secret names). */
    subdomain(key: string, value: unknown): string {
        return this.named(key, value, dns1123SubdomainProblem);
    }

    /** A Secret or ConfigMap data key. */
    dataKey(key: string, value: unknown): string {
        return this.named(key, value, configMapKeyProblem);
    }

    /** A Kubernetes quantity > 0, e.g. `16Gi`, written as the API server accepts it (no whitespace). */
    quantity(key: string, value: unknown): string {
        if (typeof value === "string" && /\s/.test(value)) {
            this.add(key, `${shown(value)} contains whitespace, which the API server refuses in a quantity`);
            return value;
        }
        const n = typeof value === "string" ? parseQuantity(value) : undefined;
        if (n === undefined || !(n > 0)) {
            this.add(key, `must be a positive Kubernetes quantity string like "16Gi" or "500m", got ${shown(value)}`);
        }
        return value as string;
    }

    /** A scrape interval the Prometheus Operator's CRD accepts, like `15s` or `1m30s`. */
    duration(key: string, value: unknown): string {
        if (typeof value !== "string") {
            this.add(key, `must be a Prometheus duration string like "15s", got ${shown(value)}`);
        } else {
            const problem = scrapeDurationProblem(value);
            if (problem) this.add(key, problem);
        }
        return value as string;
    }

    /** A map of Kubernetes label keys to label values. */
    labels(key: string, value: unknown): Record<string, string> {
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            this.add(key, `must be a map of label names to values, got ${shown(value)}`);
            return {};
        }
        for (const [k, v] of Object.entries(value)) {
            const keyProblem = labelKeyProblem(k);
            if (keyProblem) {
                this.add(key, `${shown(k)} is not a valid label name: it ${keyProblem}`);
            }
            const valueProblem = typeof v === "string" ? labelValueProblem(v) : "must be a string";
            if (valueProblem) {
                this.add(key, `value ${shown(v)} of ${shown(k)} is not a valid label value: it ${valueProblem}`);
            }
        }
        return value as Record<string, string>;
    }

    /** A list of strings. */
    strings(key: string, value: unknown): string[] {
        if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
            this.add(key, `must be a list of strings, got ${shown(value)}`);
            return [];
        }
        return value as string[];
    }

    /** A list of namespace names (DNS-1123 labels). */
    namespaces(key: string, value: unknown): string[] {
        const list = this.strings(key, value);
        for (const ns of list) {
            const problem = ns === "" ? "is empty" : dns1123LabelProblem(ns);
            if (problem) this.add(key, `namespace ${shown(ns)} ${problem}`);
        }
        return list;
    }

    /** A list of label selectors (maps of label keys to values), each non-empty. */
    selectors(key: string, value: unknown): Record<string, string>[] {
        if (!Array.isArray(value)) {
            this.add(key, `must be a list of label maps like [{"app": "gateway"}], got ${shown(value)}`);
            return [];
        }
        for (const selector of value) {
            if (typeof selector === "object" && selector !== null && !Array.isArray(selector) && Object.keys(selector).length === 0) {
                this.add(key, "has an empty selector {}, which would admit every pod of the namespace; list their labels");
            } else {
                this.labels(key, selector);
            }
        }
        return value as Record<string, string>[];
    }
}
