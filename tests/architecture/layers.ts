/**
 * The layers of the repository and which may import which (docs/ARCHITECTURE.md draws them):
 * every import of our own code, read with the TypeScript compiler's own pre-processor (no regex),
 * is checked against LAYERS. npm packages are not ours and not checked, except the parser
 * package, which is a layer of its own whether imported by name or by path.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

export interface Layer {
    name: string;
    /** Paths relative to the repo root (a directory or a file) that belong to it. */
    paths: string[];
    /** Layers it may import (besides itself). "*" = any but those in `never`. */
    mayImport: string[] | "*";
    never?: string[];
    /** Single files of another layer it may import although the layer as a whole is off limits. */
    files?: string[];
}

export const LAYERS: Layer[] = [
    { name: "parser", paths: ["packages/kube-parser"], mayImport: [] },
    // The admission policies ship in the component package but stay pure: options -> objects, parser only.
    { name: "admission", paths: ["components/admission"], mayImport: ["parser"] },
    { name: "components", paths: ["components"], mayImport: ["parser", "admission"] },
    { name: "policy", paths: ["policy"], mayImport: ["parser"] },
    { name: "program", paths: ["index.ts", "stackConfig.ts", "program.js", "program-build.js", "bin"], mayImport: ["components", "parser"] },
    { name: "loadgen", paths: ["loadgen"], mayImport: [] },
    { name: "sim", paths: ["sim"], mayImport: ["parser"] },
    // env runs programs, it does not build them; it starts the simulator as a process (only its build step is imported).
    { name: "env", paths: ["env"], mayImport: ["parser"], files: ["sim/build.ts"] },
    { name: "entry points", paths: ["scripts", "doctor", "bench", "upgrade"], mayImport: "*", never: ["tests"] },
    { name: "tests", paths: ["tests"], mayImport: "*" },
    // Test programs of the pinned Go modules (tools/*/testdata): not ours to layer.
    { name: "tools", paths: ["tools"], mayImport: [] },
];

const SKIP_DIRS = new Set(["node_modules", ".cache", ".git", "examples"]);

export function layerOf(rel: string, layers = LAYERS): Layer | undefined {
    return layers.find((l) => l.paths.some((p) => rel === p || rel.startsWith(`${p}/`) || rel.startsWith(`${p}.`)));
}

export interface Edge {
    /** Importing file, relative to the root. */
    from: string;
    /** What the import names. */
    spec: string;
    /** Resolved path relative to the root (without extension when the import has none). */
    to: string;
}

/** Every import of our own code in `files` (relative paths under root). */
export function ownImports(root: string, files: string[]): Edge[] {
    const edges: Edge[] = [];
    for (const from of files) {
        const info = ts.preProcessFile(fs.readFileSync(path.join(root, from), "utf8"), true, true);
        for (const { fileName: spec } of info.importedFiles) {
            let to: string | undefined;
            if (spec === "@vllm-pulumi/kube-parser" || spec.startsWith("@vllm-pulumi/kube-parser/")) to = "packages/kube-parser";
            else if (spec.startsWith(".")) to = path.relative(root, path.resolve(root, path.dirname(from), spec)).split(path.sep).join("/");
            if (to !== undefined) edges.push({ from, spec, to });
        }
    }
    return edges;
}

/** An import running against the layers, as a readable line; undefined when it is allowed. */
export function violation(e: Edge, layers = LAYERS): string | undefined {
    const a = layerOf(e.from, layers);
    const b = layerOf(e.to, layers);
    if (!a || !b || a === b) return undefined;
    const allowed =
        a.mayImport === "*" ? !(a.never ?? []).includes(b.name) : a.mayImport.includes(b.name) || (a.files ?? []).some((f) => e.to === f || `${e.to}.ts` === f);
    return allowed ? undefined : `${e.from} imports ${e.spec} (${a.name} -> ${b.name})`;
}

/** TypeScript and JavaScript sources of the repo (relative paths), without dependencies, caches and build output. */
export function sourceFiles(root: string, dir = ""): string[] {
    const out: string[] = [];
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const rel = dir ? `${dir}/${e.name}` : e.name;
        if (e.isDirectory()) {
            if (!SKIP_DIRS.has(e.name) && !(e.name === "bin" && dir !== "")) out.push(...sourceFiles(root, rel));
        } else if (/\.(ts|js)$/.test(e.name) && !e.name.endsWith(".d.ts")) {
            out.push(rel);
        }
    }
    return out;
}
