/**
 * Values that are still template variables (`${TP}` from envsubst or a shell, `$(TP)` from an
 * env var the manifest does not set literally, `{{ .Values.tp }}` from an unrendered Helm chart,
 * `{{.Name}}` that KServe's controller fills in).
 * They cannot be compared as numbers, but the same variable on both sides is the same value.
 */

/**
 * A `{{ ... }}` Go template action anywhere in the text (Helm's, KServe's, any controller's).
 * Written without nested optional whitespace so it stays linear on a megabyte of blanks.
 */
const GO_ACTION_RE = /\{\{[^{}]*\}\}/;

/**
 * A Helm template action: one that names Helm's own objects (`.Values`, `.Release`, `.Chart`,
 * `.Capabilities`, `.Files`, `.Template`, also as `$.Values`) or functions only Helm has
 * (`include`, `tpl`, `toYaml`, `fromYaml`, `required`, `lookup`). Go's own actions (`{{- if }}`,
 * `{{ range }}`, `{{ end }}`) and other controllers' fields (KServe's `{{.Name}}`,
 * `{{ .Spec.Model.Name }}`) are not Helm's.
 */
export const HELM_ACTION_RE =
    /\{\{-?\s*[^{}\n]*?(?:(?<![\w.])\$?\.(?:Values|Release|Chart|Capabilities|Files|Template)\b|\b(?:include|tpl|toYaml|fromYaml|required|lookup)\b)[^{}\n]*-?\}\}/;

/** True when the value still holds a Go template action of any kind. */
export function isGoTemplate(raw: unknown): boolean {
    return typeof raw === "string" && GO_ACTION_RE.test(raw);
}

/** True when the value still holds a Helm template action: the chart was not rendered. */
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
    if (!v.startsWith("{{") || !v.endsWith("}}") || v.length < 4) return undefined;
    // `{{- x -}}` and `{{ x }}` are one action: strip the trim markers and blanks (by hand: a
    // pattern with optional blanks on both sides of a lazy group is quadratic on long blanks).
    let inner = v.slice(2, -2);
    if (/[{}]/.test(inner)) return undefined;
    if (inner.startsWith("-")) inner = inner.slice(1);
    if (inner.endsWith("-")) inner = inner.slice(0, -1);
    return `{{${inner.trim().replace(/\s+/g, " ")}}}`;
}

/** True when the value is (or contains) a template variable of any kind. */
export function isTemplated(raw: unknown): boolean {
    return typeof raw === "string" && (isGoTemplate(raw) || /\$(\{[A-Za-z_]|\([A-Za-z_]|[A-Za-z_])/.test(raw));
}
