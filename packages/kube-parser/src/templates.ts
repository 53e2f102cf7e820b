/**
 * Values that are still template variables (`${TP}` from envsubst or a shell, `$(TP)` from an
 * env var the manifest does not set literally, `{{ .Values.tp }}` from an unrendered Helm chart).
 * They cannot be compared as numbers, but the same variable on both sides is the same value.
 */

/** A `{{ ... }}` Helm/Go template action anywhere in the text. */
const HELM_ACTION_RE = /\{\{-?\s*([^{}]*?)\s*-?\}\}/;

/** True when the value still holds a Helm/Go template action: the chart was not rendered. */
export function isHelmTemplate(raw: unknown): boolean {
    return typeof raw === "string" && HELM_ACTION_RE.test(raw);
}

/**
 * The variable a value consists of, in one spelling per kind: `$TP` for `${TP}`, `$TP` and
 * `$(TP)`; `{{.Values.tp}}` for any spacing of `{{ .Values.tp }}`. Undefined when the value is
 * not exactly one variable.
 */
export function templateSymbol(raw: unknown): string | undefined {
    if (typeof raw !== "string") return undefined;
    const v = raw.trim();
    const shell = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|\(([A-Za-z_][A-Za-z0-9_.-]*)\)|([A-Za-z_][A-Za-z0-9_]*))$/.exec(v);
    if (shell) return "$" + (shell[1] ?? shell[2] ?? shell[3]);
    const helm = /^\{\{-?\s*([^{}]*?)\s*-?\}\}$/.exec(v);
    if (helm) return `{{${helm[1].replace(/\s+/g, " ")}}}`;
    return undefined;
}

/** True when the value is (or contains) a template variable of any kind. */
export function isTemplated(raw: unknown): boolean {
    return typeof raw === "string" && (isHelmTemplate(raw) || /\$(\{[A-Za-z_]|\([A-Za-z_]|[A-Za-z_])/.test(raw));
}
