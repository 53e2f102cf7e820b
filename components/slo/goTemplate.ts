/**
 * Which Go templates this component lets into alert labels and annotations.
 *
 * Prometheus expands `{{ ... }}` in every alert label and annotation, and parses each one when it
 * loads the rule file: one action it cannot parse (`{{ .Foo`, `{{}}`, an unknown function) fails
 * the whole file, so every SLO alert of the service is gone (prometheus-operator drops the whole
 * PrometheusRule the same way). The component cannot run Prometheus' parser at preview time, and a
 * TypeScript copy of Go's text/template grammar would drift from it. So instead of parsing all of
 * Go templates, this accepts a small, closed subset, every member of which promtool accepts (the
 * tests prove it on the pinned Prometheus), and refuses everything else by name:
 *
 *   {{ OPERAND }}, {{ OPERAND | FN | ... }}, {{ FN OPERAND }}
 *   OPERAND: $labels.<name>, $externalLabels.<name>, $value, $externalURL, "<text without \ or ">"
 *   FN: one of {@link TEMPLATE_FUNCTIONS}, or printf "<format>"
 *
 * Conditionals, ranges, variables, queries and comments are refused although Prometheus has them:
 * an alert label or a runbook link needs none of them, and each is a way to write something that
 * parses here and not there. Bounded: one pass over the text, no backtracking pattern.
 */

/** Prometheus template functions (and Go built-ins) that take the piped value alone. */
export const TEMPLATE_FUNCTIONS: readonly string[] = [
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toUpper",
    "toLower",
    "title",
    "stripPort",
    "html",
    "urlquery",
];

/** The accepted subset, for messages and docs. */
export const ACCEPTED_TEMPLATES =
    '{{ $labels.<name> }}, {{ $externalLabels.<name> }}, {{ $value }} or {{ $externalURL }}, optionally piped ' +
    `("| humanizePercentage") to ${TEMPLATE_FUNCTIONS.join(", ")} or printf "<format>"`;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STRING = /^"[^"\\\n]*"$/;

/** Why Prometheus could refuse `text` as an alert label or annotation template, or undefined when it is safe. */
export function templateProblem(text: string): string | undefined {
    let from = 0;
    for (;;) {
        const open = text.indexOf("{{", from);
        if (open < 0) return undefined;
        const close = closingBraces(text, open + 2);
        if (close < 0) return `has "{{" without a closing "}}" (Prometheus would refuse the rule file)`;
        const action = text.slice(open, close + 2);
        if (!actionAccepted(text.slice(open + 2, close))) {
            return `has the template action ${JSON.stringify(action.length > 48 ? `${action.slice(0, 48)}…` : action)}, which this component does not accept: ` +
                `Prometheus drops the whole rule group (every SLO alert) over one template it cannot parse. Accepted: ${ACCEPTED_TEMPLATES}`;
        }
        from = close + 2;
    }
}

/** Index of the `}}` that ends the action starting at `from` (skipping string literals), or -1. */
function closingBraces(text: string, from: number): number {
    let inString = false;
    for (let i = from; i < text.length; i++) {
        const c = text[i];
        if (c === '"') inString = !inString;
        else if (!inString && c === "}" && text[i + 1] === "}") return i;
    }
    return -1;
}

/** The inside of one `{{ }}`, trim markers (`{{- ` and ` -}}`) allowed. */
function actionAccepted(inside: string): boolean {
    let body = inside;
    if (body.startsWith("- ")) body = body.slice(2);
    if (body.endsWith(" -")) body = body.slice(0, -2);
    const stages = splitOutsideStrings(body, "|").map((s) => splitOutsideStrings(s.trim(), " ").filter((t) => t !== ""));
    if (stages.some((s) => s.length === 0)) return false;
    const [first, ...piped] = stages;
    return firstStageAccepted(first) && piped.every(functionAccepted);
}

/** `OPERAND`, or a function applied to one. */
function firstStageAccepted(words: string[]): boolean {
    if (words.length === 1) return operand(words[0]);
    return operand(words[words.length - 1]) && functionAccepted(words.slice(0, -1));
}

/** `FN` or `printf "<format>"`. */
function functionAccepted(words: string[]): boolean {
    if (words[0] === "printf") return words.length === 2 && STRING.test(words[1]);
    return words.length === 1 && TEMPLATE_FUNCTIONS.includes(words[0]);
}

function operand(word: string): boolean {
    if (word === "$value" || word === "$externalURL" || STRING.test(word)) return true;
    for (const map of ["$labels.", "$externalLabels."]) {
        if (word.startsWith(map)) return NAME.test(word.slice(map.length));
    }
    return false;
}

/** Splits on `sep` where it is not inside a "string". Spaces and tabs both count as " ". */
function splitOutsideStrings(s: string, sep: "|" | " "): string[] {
    const parts: string[] = [];
    let inString = false;
    let start = 0;
    for (let i = 0; i < s.length; i++) {
        const c = s[i];
        if (c === '"') inString = !inString;
        else if (!inString && (c === sep || (sep === " " && c === "\t"))) {
            parts.push(s.slice(start, i));
            start = i + 1;
        }
    }
    parts.push(s.slice(start));
    return parts;
}

/** `text` with every `{{ ... }}` action replaced by `placeholder` (to check what surrounds them, e.g. a URL). */
export function withoutActions(text: string, placeholder = "x"): string {
    let out = "";
    let from = 0;
    for (;;) {
        const open = text.indexOf("{{", from);
        const close = open < 0 ? -1 : closingBraces(text, open + 2);
        if (close < 0) return out + text.slice(from);
        out += text.slice(from, open) + placeholder;
        from = close + 2;
    }
}
