/** Our own TypeScript daemons (relays, the pod runner, config-sync) as components, run with ts-node. */
import { Component, ComponentSpec } from "./component";
import { REPO_ROOT } from "./repo";

/** Type checking is `npm test`'s job: start-up compiles nothing. */
export const TS_NODE = ["-r", "ts-node/register/transpile-only"];

export function tsDaemon(spec: Omit<ComponentSpec, "command" | "args" | "cwd"> & { file: string; args: string[] }): Component {
    const { file, args, ...rest } = spec;
    return new Component({ ...rest, command: process.execPath, args: [...TS_NODE, file, ...args], cwd: REPO_ROOT });
}
