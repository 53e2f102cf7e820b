/**
 * One manifest file read into the objects the pack checks, with every problem the tool should
 * tell its user about, each with file and line. Never throws: a file that cannot be read or
 * parsed is reported and the run goes on with the other files.
 */
import * as fs from "fs";
import * as path from "path";
import { CORE_SCHEMA, loadAll } from "js-yaml";
import type * as Yaml from "yaml";
import { HELM_ACTION_RE, kubeObject, pulumiType } from "@vllm-pulumi/kube-parser";
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

const HELM_HINT = "render it with `helm template` first: values that are still templates cannot be checked";

/** npm runs scripts from the package root; resolve paths against where the user typed them. */
export function resolvePath(file: string): string {
    return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

export function readText(file: string): string {
    return file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(resolvePath(file), "utf8");
}

/** The first Helm/Go template action in a document's text, with its offset, or undefined. */
function helmAction(text: string, from: number, to: number): { index: number; text: string } | undefined {
    const m = HELM_ACTION_RE.exec(text.slice(from, to));
    return m ? { index: from + m.index, text: m[0] } : undefined;
}

/**
 * Text where the exact pass may have something to say: a flow collection that can be a mapping
 * key (`{{ ... }}`, `[{`, `, [`), an explicit key `? `, a flow collection as a block key, a tag.
 * Everything else (kubectl and `helm template` output: block style) takes the fast pass.
 */
const NEEDS_EXACT_PASS = /[{[,]\s*[{[]|^[ \t-]*\?(?:[ \t]|$)|^[ \t-]*[{[].*[}\]][ \t]*:|(?:^|[\s[{,])![^\s]/m;

/**
 * The Kubernetes objects of a multi-document YAML text (a `kind: List` is unpacked). Problems go
 * to the result instead of being thrown; the YAML library's own warnings (e.g. `Keys with
 * collection values will be stringified`) become messages with file and line.
 *
 * Two passes with one result: js-yaml (YAML 1.2 core schema, like the yaml package's default)
 * is about ten times faster on large inputs; the yaml package's document AST knows lines and
 * warnings, so it reads any text that may have a warning and any text js-yaml refuses.
 */
export function parseManifestText(text: string, source: string): FileResult {
    if (!NEEDS_EXACT_PASS.test(text) && !HELM_ACTION_RE.test(text)) {
        try {
            const docs = loadAll(text, undefined, { schema: CORE_SCHEMA, filename: source });
            return manifestsOf(docs, source, { file: source, resources: [], warnings: [] });
        } catch {
            // Invalid YAML: the exact pass says where and why.
        }
    }
    return parseExactly(text, source);
}

/** The objects of parsed documents, or the result's error for the first one that is not an object. */
function manifestsOf(docs: unknown[], source: string, result: FileResult): FileResult {
    for (const [i, value] of docs.entries()) {
        if (!objectsOf(value, i, source, result)) break;
    }
    return result;
}

/** Adds one document's objects to the result; false (with the error set) when one is not a Kubernetes object. */
function objectsOf(value: any, i: number, source: string, result: FileResult): boolean {
    if (value === null || value === undefined) return true; // an empty document (`---` alone)
    const items: unknown[] = value?.kind === "List" && Array.isArray(value.items) ? value.items : [value];
    for (const [j, item] of items.entries()) {
        const obj = kubeObject(undefined, item);
        if (!obj) {
            result.error = `${source}: document ${i + 1}${items.length > 1 ? ` item ${j + 1}` : ""} is not a Kubernetes object (it needs apiVersion and kind)`;
            return false;
        }
        const body = obj.body;
        const type = pulumiType(body.apiVersion, body.kind);
        const name = typeof body.metadata?.name === "string" ? body.metadata.name : `${path.basename(source)}#${i + 1}`;
        result.resources.push({ type, name, props: body, urn: `urn:pulumi:manifests::check-manifests::${type}::${source}#${i + 1}.${j + 1}` });
    }
    return true;
}

/** The exact pass: the yaml package's document AST, with line numbers for every warning. */
export function parseExactly(text: string, source: string): FileResult {
    // Loaded here, not at start-up: most runs never need it, and it costs more to load than js-yaml.
    const { isCollection, isPair, LineCounter, parseAllDocuments, visit }: typeof Yaml = require("yaml");
    const result: FileResult = { file: source, resources: [], warnings: [] };
    const lines = new LineCounter();
    // logLevel "error": the library would print its warnings itself (process.emitWarning).
    const docs = parseAllDocuments(text, { lineCounter: lines, logLevel: "error" });
    const at = (offset: number | undefined) => `${source}:${lines.linePos(offset ?? 0).line}`;
    let helmNamed = false; // one hint per file is enough
    for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
        const helm = helmAction(text, doc.range[0], doc.range[2]);
        if (doc.errors.length > 0) {
            const e = doc.errors[0];
            result.error = `${source}: invalid YAML in document ${i + 1}: ${e.message}${helm ? ` (an unrendered Helm template: ${HELM_HINT})` : ""}`;
            return result;
        }
        if (helm && !helmNamed) {
            result.warnings.push(`${at(helm.index)}: unrendered Helm template "${helm.text}": ${HELM_HINT}`);
            helmNamed = true;
        }
        for (const w of doc.warnings) result.warnings.push(`${at(w.pos[0])}: ${w.message}`);
        visit(doc, {
            Pair(_, pair) {
                // In an unrendered chart (`replicas: {{ .Values.n }}`) the Helm hint above says it all.
                if (!helm && isPair(pair) && isCollection(pair.key)) {
                    result.warnings.push(`${at(pair.key.range?.[0])}: a mapping key is itself a mapping or list, so it is read as a string: quote the key if a string was meant`);
                }
            },
        });
        if (!objectsOf(doc.toJS(), i, source, result)) return result;
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
