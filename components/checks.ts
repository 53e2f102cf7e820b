/**
 * Small typed checks that collect problems instead of throwing, so a user sees every
 * mistake at once. Each message starts with the arg (and config) key it is about.
 */
import { parseQuantity } from "@vllm-pulumi/kube-parser";

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const PROM_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

export class Problems {
    readonly list: string[] = [];

    add(key: string, message: string): void {
        this.list.push(`${key}: ${message}`);
    }

    /** An integer within [min, max]. Returns the value when valid. */
    integer(key: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
        if (typeof value !== "number" || !Number.isInteger(value)) {
            this.add(key, `must be an integer, got ${JSON.stringify(value)}`);
        } else if (value < min || value > max) {
            this.add(key, max === Number.MAX_SAFE_INTEGER ? `must be >= ${min}, got ${value}` : `must be between ${min} and ${max}, got ${value}`);
        }
        return value as number;
    }

    /** A finite number, strictly positive. */
    positive(key: string, value: unknown): number {
        if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
            this.add(key, `must be a number > 0, got ${JSON.stringify(value)}`);
        }
        return value as number;
    }

    boolean(key: string, value: unknown): boolean {
        if (typeof value !== "boolean") {
            this.add(key, `must be true or false, got ${JSON.stringify(value)}`);
        }
        return value as boolean;
    }

    /** A non-empty string without whitespace matching `pattern` (described by `what`). */
    string(key: string, value: unknown, pattern?: RegExp, what?: string): string {
        if (typeof value !== "string" || value.trim() === "") {
            this.add(key, `must be a non-empty string, got ${JSON.stringify(value)}`);
        } else if (pattern && !pattern.test(value)) {
            this.add(key, `"${value}" is not ${what}`);
        }
        return value as string;
    }

    /** A DNS-1035 label (Service names): lower-case alphanumerics and '-', starting with a letter, <= 63. */
    dns1035(key: string, value: unknown): string {
        const s = this.string(key, value, DNS1035_LABEL, "a valid DNS-1035 label (lower-case letters, digits and '-', starting with a letter)");
        if (typeof s === "string" && s.length > 63) {
            this.add(key, `"${s}" is longer than 63 characters`);
        }
        return s;
    }

    /** A DNS-1123 label (namespaces). */
    dns1123(key: string, value: unknown): string {
        const s = this.string(key, value, DNS1123_LABEL, "a valid DNS-1123 label (lower-case letters, digits and '-')");
        if (typeof s === "string" && s.length > 63) {
            this.add(key, `"${s}" is longer than 63 characters`);
        }
        return s;
    }

    /** A Kubernetes quantity > 0, e.g. `16Gi`. */
    quantity(key: string, value: unknown): string {
        const n = typeof value === "string" ? parseQuantity(value) : undefined;
        if (n === undefined || !(n > 0)) {
            this.add(key, `must be a positive Kubernetes quantity like "16Gi" or "500m", got ${JSON.stringify(value)}`);
        }
        return value as string;
    }

    /** A Prometheus duration like `15s` or `1m30s`. */
    duration(key: string, value: unknown): string {
        return this.string(key, value, PROM_DURATION, 'a Prometheus duration like "15s" or "1m"');
    }

    /** A map of Kubernetes label keys to label values. */
    labels(key: string, value: unknown): Record<string, string> {
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            this.add(key, `must be a map of label names to values, got ${JSON.stringify(value)}`);
            return {};
        }
        for (const [k, v] of Object.entries(value)) {
            const slash = k.lastIndexOf("/");
            const nameOk = LABEL_NAME.test(k.slice(slash + 1)) && k.length - slash - 1 <= 63;
            const prefixOk = slash < 0 || /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(k.slice(0, slash));
            if (!nameOk || !prefixOk) {
                this.add(key, `"${k}" is not a valid label name`);
            }
            if (typeof v !== "string" || !LABEL_VALUE.test(v) || v.length > 63) {
                this.add(key, `value ${JSON.stringify(v)} of "${k}" is not a valid label value`);
            }
        }
        return value as Record<string, string>;
    }

    /** A list of strings. */
    strings(key: string, value: unknown): string[] {
        if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
            this.add(key, `must be a list of strings, got ${JSON.stringify(value)}`);
            return [];
        }
        return value as string[];
    }
}
