/**
 * One manifest file read into the objects the pack checks, with every problem the tool should
 * tell its user about, each with file and line. Never throws: a file that cannot be read or
 * parsed is reported and the run goes on with the other files.
 */
import * as fs from "fs";
import * as path from "path";
import { isCollection, isPair, LineCounter, parseAllDocuments, visit } from "yaml";
import { kubeObject, pulumiType } from "@vllm-pulumi/kube-parser";
import type { PolicyInput } from "../../policy/runPolicies";

export interface FileResult {
    /** As given on the command line (`-` for stdin). */
    file: string;
    resources: PolicyInput[];
    /** Why the file could not be checked (cannot read, invalid YAML, not Kubernetes objects). */
    error?: string;
    /** Things worth knowing that did not stop the check, each `file:line: ...`. */
    warnings: string[];
}

const HELM_ACTION_RE = /\{\{-?[^{}\n]*-?\}\}/;
const HELM_HINT = "render it with `helm template` first: values that are still templates cannot be checked";

/** npm runs scripts from the package root; resolve paths against where the user typed them. */
export function resolvePath(file: string): string {
    return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

export function readText(file: string): string {
    return file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(resolvePath(file), "utf8");
}

/** Warnings about the text itself: an unrendered Helm chart is the common mistake. */
function textWarnings(text: string, source: string, lines: LineCounter): string[] {
    const m = HELM_ACTION_RE.exec(text);
    if (!m) return [];
    return [`${source}:${lines.linePos(m.index).line}: unrendered Helm template "${m[0]}": ${HELM_HINT}`];
}

/**
 * The Kubernetes objects of a multi-document YAML text (a `kind: List` is unpacked). Problems go
 * to the result instead of being thrown; the YAML library's own warnings (e.g. `Keys with
 * collection values will be stringified`) become messages with file and line.
 */
export function parseManifestText(text: string, source: string): FileResult {
    const result: FileResult = { file: source, resources: [], warnings: [] };
    const lines = new LineCounter();
    // logLevel "error": the library would print its warnings itself (process.emitWarning).
    const docs = parseAllDocuments(text, { lineCounter: lines, logLevel: "error" });
    const templated = textWarnings(text, source, lines);
    result.warnings.push(...templated);
    const at = (offset: number | undefined) => `${source}:${lines.linePos(offset ?? 0).line}`;
    for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
        if (doc.errors.length > 0) {
            const e = doc.errors[0];
            result.error = `${source}: invalid YAML in document ${i + 1}: ${e.message}${templated.length ? ` (${HELM_HINT})` : ""}`;
            return result;
        }
        for (const w of doc.warnings) result.warnings.push(`${at(w.pos[0])}: ${w.message}`);
        visit(doc, {
            Pair(_, pair) {
                if (isPair(pair) && isCollection(pair.key)) {
                    const hint = templated.length ? HELM_HINT : "quote the key if a string was meant";
                    result.warnings.push(`${at(pair.key.range?.[0])}: a mapping key is itself a mapping or list, so it is read as a string: ${hint}`);
                }
            },
        });
        const value = doc.toJS();
        if (value === null || value === undefined) continue; // an empty document (`---` alone)
        const items: unknown[] = value?.kind === "List" && Array.isArray(value.items) ? value.items : [value];
        for (const [j, item] of items.entries()) {
            const obj = kubeObject(undefined, item);
            if (!obj) {
                result.error = `${source}: document ${i + 1}${items.length > 1 ? ` item ${j + 1}` : ""} is not a Kubernetes object (it needs apiVersion and kind)`;
                return result;
            }
            const body = obj.body;
            const type = pulumiType(body.apiVersion, body.kind);
            const name = typeof body.metadata?.name === "string" ? body.metadata.name : `${path.basename(source)}#${i + 1}`;
            result.resources.push({ type, name, props: body, urn: `urn:pulumi:manifests::check-manifests::${type}::${source}#${i + 1}.${j + 1}` });
        }
    }
    return result;
}

/** Reads and parses one file (`-` is stdin). */
export function readManifestFile(file: string): FileResult {
    let text: string;
    try {
        text = readText(file);
    } catch (e) {
        return { file, resources: [], warnings: [], error: `${file}: cannot read: ${(e as Error).message}` };
    }
    return parseManifestText(text, file);
}
