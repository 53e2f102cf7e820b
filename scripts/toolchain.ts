/**
 * The pinned toolchain (tools/) for Node scripts and tests: builds what is missing (progress on
 * stderr) and returns the environment tools/env.sh sets up, so shell users and scripts share
 * one definition of PATH and of the offline Pulumi settings.
 */
import { execFileSync } from "child_process";
import { REPO_ROOT } from "../env/repo";

/** The repository root: one definition, in env/repo.ts (env must not import scripts/). */
export { REPO_ROOT };

let cached: NodeJS.ProcessEnv | undefined;

/**
 * process.env plus the toolchain's PATH and Pulumi settings (built on first use).
 * `VLLM_PULUMI_TOOLCHAIN=installed` (the GitHub workflows, after pulumi/actions installed the CLI):
 * process.env as is, the `pulumi` on PATH with its own language host and plugins; nothing is built.
 */
export function toolchainEnv(): NodeJS.ProcessEnv {
    const mode = process.env.VLLM_PULUMI_TOOLCHAIN;
    if (mode === "installed") {
        return process.env;
    }
    if (mode !== undefined && mode !== "" && mode !== "built") {
        throw new Error(`VLLM_PULUMI_TOOLCHAIN must be "installed" (use the pulumi CLI and plugins on PATH) or "built" (the default: tools/ensure-toolchain.sh), got ${JSON.stringify(mode)}`);
    }
    if (!cached) {
        const out = execFileSync("bash", ["-c", '. tools/env.sh >/dev/null && env -0'], {
            cwd: REPO_ROOT,
            stdio: ["ignore", "pipe", "inherit"],
            maxBuffer: 16 * 1024 * 1024,
        }).toString("utf8");
        cached = Object.fromEntries(out.split("\0").filter((l) => l.includes("=")).map((l) => {
            const i = l.indexOf("=");
            return [l.slice(0, i), l.slice(i + 1)];
        }));
    }
    return cached;
}
