/**
 * Writing CEL from TypeScript: literals, and "stages" — a policy variable that maps the list of
 * a previous variable to records with more fields. The Kubernetes CEL environment has no
 * `cel.bind`, so a value used several times per item (a container's argv, a flag's index) is
 * computed once in one stage and read as a field by the next.
 */

/** A CEL string literal (JSON's escapes are CEL's). */
export function str(s: string): string {
    return JSON.stringify(s);
}

/** A CEL list of string literals. */
export function strList(items: readonly string[]): string {
    return `[${items.map(str).join(", ")}]`;
}

/** A policy variable (`spec.variables[]`), read as `variables.<name>`. */
export interface CelVariable {
    name: string;
    expression: string;
}

/**
 * `variables.<from>.map(x, {<kept fields>, <new fields>})`: each item of `from` with the fields it
 * keeps (read as `x.<field>`) and new fields computed from `x`. The item variable is always `x`.
 */
export function stage(name: string, from: string, keep: readonly string[], add: Record<string, string>): CelVariable {
    return { name, expression: `variables.${from}.map(x, ${record({ ...Object.fromEntries(keep.map(k => [k, `x.${k}`])), ...add })})` };
}

/**
 * A CEL map literal of fields of any type. The Kubernetes environment wants aggregate literals
 * homogeneous, so every value is `dyn(...)`.
 */
export function record(fields: Record<string, string>): string {
    return `{${Object.entries(fields).map(([k, e]) => `${str(k)}: dyn(${e})`).join(", ")}}`;
}

/**
 * `body` with `name` bound to the value of `value`, computed once: `[value].map(name, body)[0]`.
 * (The environment has no cel.bind; a value repeated inline is computed again, which counts
 * against the API server's CEL cost budget.)
 */
export function bind(name: string, value: string, body: string): string {
    return `[${value}].map(${name}, ${body})[0]`;
}

/** Nested ternaries: the first case whose condition holds, else `otherwise`. */
export function firstOf(cases: ReadonlyArray<[condition: string, value: string]>, otherwise: string): string {
    return cases.reduceRight((rest, [cond, value]) => `(${cond}) ? (${value}) : (${rest})`, otherwise);
}
