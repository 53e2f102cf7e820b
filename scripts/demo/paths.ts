/**
 * Where `npm run demo` keeps its stack (project copy, file backend, passphrase) and the outputs
 * `demo:load` and `doctor` read. `VLLM_PULUMI_DEMO_DIR` moves it (the demo-path test runs the
 * newcomer's commands without touching a demo the developer has running).
 */
import * as path from "path";
import { REPO_ROOT } from "../toolchain";

export const DEMO_DIR = path.resolve(process.env.VLLM_PULUMI_DEMO_DIR ?? path.join(REPO_ROOT, ".cache", "demo"));
/** Non-secret stack outputs, written by `demo`, read by `demo:load`. */
export const DEMO_OUTPUTS = path.join(DEMO_DIR, "outputs.json");
/** The demo's stack. */
export const DEMO_STACK = "dev";
