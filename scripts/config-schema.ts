/**
 * The stack config schema, derived from the component itself so that adding an arg is one edit in
 * components/args.ts (plus its default and validation):
 *
 *   - keys, TypeScript types, required-ness and descriptions: Pulumi's own analyzer (the one
 *     `pulumi package add` and `pulumi package get-schema` run) on VllmServiceArgs;
 *   - defaults: components/defaults.ts and components/slo/settings.ts;
 *   - integer vs number (TypeScript has one `number`): what validateArgs enforces;
 *   - secret: args typed `pulumi.Input<...>` (the analyzer reports them as non-plain), the only
 *     args that may arrive as secret Outputs.
 *
 * Pulumi.yaml's config block and the README table are rendered from it (scripts/config-reference.ts);
 * index.ts reads stack config generically from Pulumi.yaml. The analyzer type-checks the package,
 * so this runs when docs are regenerated and in tests, never in `pulumi up`.
 */
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
// components/index, not ../components: its package.json main names the compiled bin/ (absent in a checkout).
import { DEFAULTS, validateArgs, VllmServiceArgsError } from "../components/index";
import { SLO_DEFAULTS } from "../components/slo/settings";
import { REPO_ROOT } from "./toolchain";

export type ConfigType = "string" | "integer" | "number" | "boolean" | "object" | "array";

export interface ConfigKey {
    name: string;
    type: ConfigType;
    /** Element type of an array. */
    items?: ConfigType;
    secret: boolean;
    required: boolean;
    /** The component's default; undefined when it has none. */
    default?: unknown;
    /** First sentence of the arg's TSDoc. */
    description: string;
}

interface AnalyzedProperty {
    type?: string;
    items?: AnalyzedProperty;
    optional?: boolean;
    plain?: boolean;
    /** A string, or TypeScript's display parts when the TSDoc has inline tags ({@link ...}). */
    description?: string | Array<{ text: string }>;
}

/** The first sentence, on one line: the rest of the TSDoc stays in args.ts and the IDE. */
export function firstSentence(doc: string): string {
    const text = doc.replace(/\s+/g, " ").trim();
    // A period and a space end the sentence, except after e.g./i.e.
    const m = /^(.+?(?<!\be\.g|\bi\.e)\.)\s/.exec(text);
    return m ? m[1] : text;
}

function docText(name: string, d: AnalyzedProperty["description"]): string {
    const text = Array.isArray(d) ? d.map((part) => part.text).join("") : d ?? "";
    // The analyzer stringifies the display parts of a TSDoc with an inline tag ({@link X}) as
    // "[object Object],[object Object],..."; read that arg's TSDoc from the source instead.
    return text.includes("[object Object]") ? sourceDocs().get(name) ?? "" : text;
}

let docs: Map<string, string> | undefined;

/** The TSDoc of every property of an `...Args` interface under components/, `{@link X}` written as X. */
function sourceDocs(): Map<string, string> {
    if (docs) return docs;
    docs = new Map();
    const dir = path.join(REPO_ROOT, "components");
    const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !f.includes("node_modules"));
    for (const file of files) {
        const source = ts.createSourceFile(file, fs.readFileSync(path.join(dir, file), "utf8"), ts.ScriptTarget.Latest, true);
        source.forEachChild((node) => {
            if (!ts.isInterfaceDeclaration(node) || !node.name.text.endsWith("Args")) return;
            for (const member of node.members) {
                if (!ts.isPropertySignature(member) || !ts.isIdentifier(member.name)) continue;
                const comment = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc).map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join(" ");
                docs!.set(member.name.text, comment.replace(/\{@link\s+([^}\s|]+)[^}]*\}/g, "$1"));
            }
        });
    }
    return docs;
}

/** Problems validateArgs reports for `key` when it is set to `value` (the required args filled in). */
function problemsFor(key: string, value: unknown): string[] {
    try {
        validateArgs("schema-probe", { model: "m", modelRevision: "r", [key]: value } as never);
        return [];
    } catch (e) {
        if (!(e instanceof VllmServiceArgsError)) {
            throw e;
        }
        return e.problems.filter((p) => p.startsWith(`${key}:`));
    }
}

/** A number arg is an integer when its (integer) default is valid but halves on either side are not. */
function isIntegerArg(key: string, def: unknown): boolean {
    return typeof def === "number" && Number.isInteger(def) && problemsFor(key, def).length === 0
        && problemsFor(key, def + 0.5).length > 0 && problemsFor(key, def - 0.5).length > 0;
}

function configType(key: string, p: AnalyzedProperty, def: unknown): ConfigType {
    switch (p.type) {
        case "string":
        case "boolean":
        case "object":
        case "array":
            return p.type;
        case "number":
            return isIntegerArg(key, def) ? "integer" : "number";
        default:
            throw new Error(`components/args.ts: ${key} has type ${JSON.stringify(p.type)}; stack config takes string, number, boolean, object or array args`);
    }
}

type PackageSchema = ReturnType<Analyzer["analyze"]>;
let analyzed: PackageSchema | undefined;
let cached: ConfigKey[] | undefined;

/** The component package's schema as Pulumi's analyzer derives it (memoized: it type-checks the package). */
export function componentSchema(): PackageSchema {
    if (!analyzed) {
        const dir = path.join(REPO_ROOT, "components");
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const packageJSON = require(path.join(dir, "package.json"));
        analyzed = new Analyzer(dir, packageJSON.name, packageJSON, new Set(["VllmService"])).analyze();
    }
    return analyzed;
}

/** Every VllmService arg as a stack config key, in args.ts order. */
export function deriveConfigSchema(): ConfigKey[] {
    if (cached) {
        return cached;
    }
    const inputs = componentSchema().components.VllmService.inputs as Record<string, AnalyzedProperty>;
    const defaults: Record<string, unknown> = { ...DEFAULTS, ...SLO_DEFAULTS };
    cached = Object.entries(inputs).map(([name, p]) => {
        const def = defaults[name];
        const type = configType(name, p, def);
        return {
            name,
            type,
            ...(type === "array" ? { items: configType(`${name}[]`, p.items ?? {}, undefined) } : {}),
            secret: p.plain !== true,
            required: p.optional !== true,
            ...(def !== undefined ? { default: def } : {}),
            description: firstSentence(docText(name, p.description)),
        };
    });
    return cached;
}
