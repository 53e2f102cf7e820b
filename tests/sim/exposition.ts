/**
 * Reads the Prometheus text format (0.0.4) into families and samples, for assertions on values.
 * Syntax validity is checked separately with `promtool check metrics` (Prometheus' own parser);
 * this reader follows the same grammar: `# HELP`/`# TYPE` lines, then samples
 * `name{label="value",...} value`, label values with `\\`, `\"` and `\n` escapes.
 */

export interface Sample {
    name: string;
    labels: Record<string, string>;
    value: number;
}

export interface Family {
    name: string;
    type: string;
    help: string;
    samples: Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function parseLabels(text: string | undefined, line: string): Record<string, string> {
    const labels: Record<string, string> = {};
    if (!text) return labels;
    const inner = text.slice(1, -1);
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < inner.length) {
        const m = LABEL.exec(inner);
        if (!m) throw new Error(`bad labels in: ${line}`);
        labels[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    return labels;
}

function parseValue(text: string): number {
    if (text === "+Inf") return Infinity;
    if (text === "-Inf") return -Infinity;
    return Number(text);
}

/** The family a sample belongs to: its own name, or the name without a histogram/summary suffix. */
function familyOf(families: Map<string, Family>, name: string): Family | undefined {
    if (families.has(name)) return families.get(name);
    for (const suffix of ["_bucket", "_count", "_sum"]) {
        if (name.endsWith(suffix)) {
            const f = families.get(name.slice(0, -suffix.length));
            if (f && (f.type === "histogram" || f.type === "summary")) return f;
        }
    }
    return undefined;
}

export function parseExposition(text: string): Map<string, Family> {
    const families = new Map<string, Family>();
    const family = (name: string) => {
        let f = families.get(name);
        if (!f) families.set(name, (f = { name, type: "untyped", help: "", samples: [] }));
        return f;
    };
    for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        const meta = /^#\s+(HELP|TYPE)\s+(\S+)\s?(.*)$/.exec(line);
        if (meta) {
            if (meta[1] === "TYPE") family(meta[2]).type = meta[3];
            else family(meta[2]).help = meta[3];
            continue;
        }
        if (line.startsWith("#")) continue;
        const m = SAMPLE.exec(line);
        if (!m) throw new Error(`not a sample line: ${line}`);
        const f = familyOf(families, m[1]);
        if (!f) throw new Error(`sample ${m[1]} has no # TYPE line`);
        f.samples.push({ name: m[1], labels: parseLabels(m[2], line), value: parseValue(m[3]) });
    }
    return families;
}
