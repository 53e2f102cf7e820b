/**
 * How the upgrade reaches a pod's IP for the smoke request. Pod IPs are routable only inside the
 * cluster's network: `direct` when this process runs there (in-cluster, or a routed network);
 * `inNamespace` runs `npm run smoke`'s script inside the local environment's network namespace
 * (the same way `npm run demo:load` reaches pods). Either way the smoke logic is scripts/smoke.ts.
 */
import { spawn } from "child_process";
import * as path from "path";
import { runSmoke, SmokeError } from "../scripts/smoke";
import { REPO_ROOT } from "../scripts/toolchain";

export interface SmokeOutcome {
    ok: boolean;
    /** One line: the answer and latencies, or what failed. */
    detail: string;
}

export interface PodReach {
    smoke(url: string, model: string, apiKey: string | undefined, timeoutSeconds: number): Promise<SmokeOutcome>;
}

export const directReach: PodReach = {
    async smoke(url, model, apiKey, timeoutSeconds) {
        try {
            const r = await runSmoke({ url, model, apiKey, timeoutMs: timeoutSeconds * 1000 });
            return { ok: true, detail: `GET /v1/models ${r.modelsLatencyMs} ms, POST /v1/chat/completions -> ${JSON.stringify(r.answer)} in ${r.chatLatencyMs} ms` };
        } catch (e) {
            if (e instanceof SmokeError) return { ok: false, detail: `${e.kind}: ${e.message}` };
            throw e;
        }
    },
};

/** Runs scripts/smoke.ts through `wrap` (e.g. the environment's `inNamespace`); the key goes by env, never argv. */
export function wrappedReach(wrap: (cmd: string, args: string[]) => [string, string[]]): PodReach {
    return {
        smoke(url, model, apiKey, timeoutSeconds) {
            const script = path.join(REPO_ROOT, "scripts", "smoke.ts");
            const [cmd, args] = wrap(process.execPath, ["-r", "ts-node/register/transpile-only", script, "--url", url, "--model", model, "--timeout", String(timeoutSeconds)]);
            const env = { ...process.env, VLLM_API_KEY: apiKey ?? "" };
            return new Promise((resolve, reject) => {
                const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
                let out = "";
                child.stdout.on("data", (d) => (out += d));
                child.stderr.on("data", (d) => (out += d));
                child.on("error", reject);
                child.on("close", (code) => {
                    const lines = out.split("\n").filter((l) => l.startsWith("smoke: ") && !l.startsWith("smoke: OK"));
                    resolve({ ok: code === 0, detail: lines.slice(1).map((l) => l.slice("smoke: ".length)).join("; ") || out.trim() });
                });
            });
        },
    };
}
