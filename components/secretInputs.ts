/**
 * Checks of the two secret args, `apiKey` and `hfToken`. vLLM treats an empty key as "no
 * authentication" and huggingface_hub an empty token as "no token", so a blank value must fail
 * like any bad config. A plain string is checked with the other args; a secret Output (what
 * `config.requireSecret` returns) is checked when its value is known, and every child waits for
 * that check (see {@link secretGate}), so a bad secret still creates nothing.
 * Messages never contain the value.
 */
import * as pulumi from "@pulumi/pulumi";

export type SecretKey = "apiKey" | "hfToken";

/** Why a secret's value is unusable, or undefined. */
export function secretValueProblem(key: SecretKey, value: unknown): string | undefined {
    if (typeof value !== "string") {
        return `${key}: must be a string (or a secret Output of one), got ${value === null ? "null" : typeof value}`;
    }
    if (value.trim() === "") {
        return key === "apiKey"
            ? `${key}: is empty or blank; vLLM treats an empty key as "no authentication"`
            : `${key}: is empty or blank; set a Hugging Face token or leave ${key} unset`;
    }
    if (value.trim() !== value) {
        return `${key}: has leading or trailing whitespace (a newline from a file?); clients and the Hub would never match it`;
    }
    return undefined;
}

/** Problems of the plain-string secrets; Outputs and promises are left to {@link secretGate}. */
export function plainSecretProblems(secrets: Partial<Record<SecretKey, unknown>>): string[] {
    return Object.entries(secrets)
        .filter(([, v]) => v !== undefined && !pulumi.Output.isInstance(v) && !(v instanceof Promise))
        .map(([k, v]) => secretValueProblem(k as SecretKey, v))
        .filter((p): p is string => p !== undefined);
}

/**
 * An Output that resolves once the Output-valued secrets are known to be usable, and rejects with
 * `makeError(problems)` when they are not. Children take it in `dependsOn`, so none of them is
 * registered (created, in `up`) before the check passed. Undefined when there is nothing to wait for.
 * An unknown value (preview of a secret computed by another resource) skips the check until `up`.
 */
export function secretGate(
    secrets: Partial<Record<SecretKey, pulumi.Input<string> | undefined>>,
    makeError: (problems: string[]) => Error,
): pulumi.Output<void> | undefined {
    const deferred = Object.entries(secrets).filter(([, v]) => pulumi.Output.isInstance(v) || v instanceof Promise);
    if (deferred.length === 0) return undefined;
    const keys = deferred.map(([k]) => k as SecretKey);
    // unsecret: only the verdict flows on, never the value, and dependsOn is not state anyway.
    return pulumi.unsecret(pulumi.all(deferred.map(([, v]) => pulumi.output(v)))).apply((values) => {
        const problems = values.map((v, i) => secretValueProblem(keys[i], v)).filter((p): p is string => p !== undefined);
        if (problems.length > 0) throw makeError(problems);
    });
}
