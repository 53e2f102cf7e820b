/**
 * Runs the program (index.ts) under mocks with a stack's real config file, so tests see
 * exactly the objects `pulumi up` of that stack would send.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { Captured, runWithMocks } from "./pulumiMocks";

import { REPO_ROOT } from "../../scripts/toolchain";
export { REPO_ROOT };

/** The project config of a stack file, without the `vllm-pulumi:` prefix. */
export function stackConfig(stack: string): Record<string, unknown> {
    const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
    const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
    return Object.fromEntries(Object.entries(doc.config ?? {}).map(([k, v]) => [k.replace(/^vllm-pulumi:/, ""), v]));
}

/** Runs index.ts for `stack` (config may be overridden) and returns what it registered and exported. */
export async function runProgram(stack: string, overrides: Record<string, unknown> = {}, secretKeys: string[] = []): Promise<{ captured: Captured; exports: Record<string, any> }> {
    const entry = require.resolve(path.join(REPO_ROOT, "index.ts"));
    const { captured, result } = await runWithMocks(() => {
        delete require.cache[entry];
        return require(entry) as Record<string, any>;
    }, { ...stackConfig(stack), ...overrides }, secretKeys, stack);
    return { captured, exports: result };
}

/** The objects a stack produces, in the shape policy tests consume. */
export async function renderStack(stack: "dev" | "prod"): Promise<Array<{ type: string; name: string; props: any }>> {
    const { captured } = await runProgram(stack);
    return captured.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
}
