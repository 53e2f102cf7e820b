/**
 * Reads this stack's config generically from the declarations in Pulumi.yaml, which are generated
 * from components/args.ts (npm run docs:config): every declared key by its declared type, secrets
 * as secret Outputs, "" as unset. Keys of this project that Pulumi.yaml does not declare are passed
 * on as they are, so the component names them ("is not a VllmService arg; did you mean ...?").
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { shown } from "./components/checks";

/** Whether the stack holds a key encrypted: in @pulumi/pulumi's runtime/config.js, not in its typings. */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(fullKey: string): boolean };

interface Declaration {
    type?: "string" | "integer" | "boolean" | "object" | "array";
    secret?: boolean;
}

/**
 * Thrown when a value cannot be read as its declared type; lists every such key. A RunError, so
 * the engine prints the message without a stack trace.
 */
export class StackConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(`invalid stack config (fix these keys):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "StackConfigError";
    }
}

export function declarations(projectDir: string): Record<string, Declaration> {
    const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { config?: Record<string, Declaration> };
    return project.config ?? {};
}

/** One key's value, converted by its declaration; undefined when unset. */
function read(config: pulumi.Config, key: string, d: Declaration): unknown {
    if (d.secret) {
        if (!isConfigSecret(`${config.name}:${key}`)) {
            throw new Error(`${key}: is a secret; set it with \`pulumi config set --secret ${key}\` (a plain-text value sits unencrypted in Pulumi.<stack>.yaml)`);
        }
        return config.requireSecret(key);
    }
    // Parsed here rather than by Config.getBoolean/getObject/getNumber, whose errors repeat the
    // whole value (a megabyte, or a secret pasted under the wrong key) and whose getNumber is loose.
    const raw = config.get(key);
    if (raw === undefined) return undefined;
    switch (d.type) {
        case "string":
            return raw;
        case "boolean":
            if (raw !== "true" && raw !== "false") throw new Error(`${key}: must be true or false, got ${shown(raw)}`);
            return raw === "true";
        case "object":
        case "array": {
            const want = d.type === "array" ? "a list" : "a map";
            let v: unknown;
            try {
                v = JSON.parse(raw);
            } catch {
                throw new Error(`${key}: must be ${want} (JSON in the stack file's string form), got ${shown(raw)}`);
            }
            if (Array.isArray(v) !== (d.type === "array") || typeof v !== "object" || v === null) {
                throw new Error(`${key}: must be ${want}, got ${shown(v)}`);
            }
            return v;
        }
        default: // integer, or a number with a fraction (no type): the component checks which
            return strictNumber(key, raw);
    }
}

/** A decimal number as YAML and JSON write one: no `1/2`, `1,5`, `0x10`, `Infinity` or trailing text. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number a config string holds. Pulumi's getNumber uses parseFloat, which reads `1/2` and `1,5`
 * as 1 and `12abc` as 12; here the whole value must be a number.
 */
export function strictNumber(key: string, raw: string | undefined): number | undefined {
    if (raw === undefined) return undefined;
    const text = raw.trim();
    if (text.length > 64 || !NUMBER.test(text)) {
        throw new Error(`${key}: must be a number, got ${shown(raw)}`);
    }
    return Number(text);
}

/** Every set config key of this project, keyed by name without the project prefix. */
export function readStackConfig(projectDir: string): Record<string, unknown> {
    const config = new pulumi.Config();
    const decls = declarations(projectDir);
    const prefix = `${config.name}:`;
    // "" is unset: the declared default of optional keys (Pulumi.yaml), and how `pulumi config set
    // key ""` clears one. Except an encrypted "": someone set an empty secret on purpose, and an empty
    // API key means "no authentication", so the component must see it and refuse it.
    const set = Object.entries(pulumi.runtime.allConfig())
        .filter(([k, v]) => k.startsWith(prefix) && (v !== "" || (decls[k.slice(prefix.length)]?.secret === true && isConfigSecret(k))))
        .map(([k]) => k.slice(prefix.length));
    const values: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const key of set) {
        try {
            values[key] = key in decls ? read(config, key, decls[key]) : config.get(key);
        } catch (e) {
            problems.push((e as Error).message.trim()); // each names its key
        }
    }
    if (problems.length > 0) {
        throw new StackConfigError(problems);
    }
    return values;
}
