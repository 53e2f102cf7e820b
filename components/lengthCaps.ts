/**
 * Length caps on every string an arg holds, checked before any pattern sees it. A pattern that
 * backtracks is quadratic in its input (a 20 KB quantity took 1.4 s, a 1 MB one never returned),
 * and no real value comes near these caps, so an oversized value is refused by its length alone.
 * Pure: no Pulumi.
 */
import { shown, truncate } from "./checks";

/** The cap for a string arg without its own entry below: names, ids, URLs, label keys and values. */
export const DEFAULT_LENGTH_CAP = 1024;

/** Keys whose values are shorter (or longer) than the default by nature, with why. */
export const LENGTH_CAPS: Readonly<Record<string, number>> = {
    // Kubernetes quantities and Prometheus durations: a handful of digits and a unit.
    shmSizeLimit: 64,
    cpuRequest: 64,
    memory: 64,
    scrapeInterval: 64,
    // An image reference: a 255-character name, a 128-character tag and a digest.
    image: 512,
    // A model id or a local path (PATH_MAX).
    model: 4096,
    // Tokens and keys are opaque; the longest real ones are a few hundred characters.
    apiKey: 4096,
    hfToken: 4096,
    // One vLLM flag or value; an inline --chat-template can be a few KB.
    extraArgs: 65536,
};

/** The cap of one key. */
export function lengthCap(key: string): number {
    return LENGTH_CAPS[key] ?? DEFAULT_LENGTH_CAP;
}

/** The first string inside `value` (itself, a list item, a map key or value) longer than `cap`, and where. */
function oversized(value: unknown, cap: number, where = ""): { where: string; length: number } | undefined {
    if (typeof value === "string") {
        return value.length > cap ? { where, length: value.length } : undefined;
    }
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
            const found = oversized(value[i], cap, `${where}item ${i} `);
            if (found) return found;
        }
    } else if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
        for (const [k, v] of Object.entries(value)) {
            if (k.length > cap) return { where: `${where}a key `, length: k.length };
            const found = oversized(v, cap, `${where}the value of ${shown(k)} `);
            if (found) return found;
        }
    }
    return undefined;
}

/**
 * One problem per arg holding a string longer than its cap (never the value itself: it may be a
 * secret, and it is long). Other values (numbers, Outputs) are left alone.
 */
export function lengthProblems(args: object): Map<string, string> {
    const problems = new Map<string, string>();
    for (const [key, value] of Object.entries(args)) {
        const cap = lengthCap(key);
        const found = oversized(value, cap);
        if (found) {
            const what = found.where === "" ? "is" : `${found.where.trim()} is`;
            problems.set(key, `${truncate(key)}: ${what} ${found.length} characters long; at most ${cap} are accepted`);
        }
    }
    return problems;
}
