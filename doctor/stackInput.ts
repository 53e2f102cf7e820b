/** Checks of `--stack`/`--workspace` that need no Pulumi CLI, so bad input is refused at once. */
import * as fs from "fs";
import * as path from "path";
import { BadInput } from "./types";

/** Pulumi stack names: letters, digits, `-`, `_`, `.`; optionally `org/project/stack`. */
const STACK_NAME = /^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/;

export function checkStackInput(stack: string, workspaceDir?: string): void {
    if (!STACK_NAME.test(stack)) throw new BadInput(`--stack ${JSON.stringify(stack)} is not a Pulumi stack name`);
    if (workspaceDir && !fs.existsSync(path.join(workspaceDir, "state"))) {
        throw new BadInput(`--workspace ${workspaceDir} holds no Pulumi workspace (no state/ folder)`);
    }
}
