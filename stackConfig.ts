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

/** Whether the stack holds a key encrypted: in @pulumi/pulumi's runtime/config.js, not in its typings. */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(fullKey: string): boolean };

interface Declaration {
    type?: "string" | "integer" | "boolean" | "object" | "array";
    secret?: boolean;
}

/** Thrown when a value cannot be read as its declared type; lists every such key. */
export class StackConfigError extends Error {
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
    switch (d.type) {
        case "string":
            return config.get(key);
        case "boolean":
            return config.getBoolean(key);
        case "object":
        case "array": {
            const v = config.getObject<unknown>(key);
            if (Array.isArray(v) !== (d.type === "array")) {
                throw new Error(`${key}: must be ${d.type === "array" ? "a list" : "a map"}, got ${JSON.stringify(v)}`);
            }
            return v;
        }
        default: // integer, or a number with a fraction (no type): the component checks which
            return config.getNumber(key);
    }
}

/** Every set config key of this project, keyed by name without the project prefix. */
export function readStackConfig(projectDir: string): Record<string, unknown> {
    const config = new pulumi.Config();
    const decls = declarations(projectDir);
    const prefix = `${config.name}:`;
    const set = Object.entries(pulumi.runtime.allConfig())
        .filter(([k, v]) => k.startsWith(prefix) && v !== "")
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
