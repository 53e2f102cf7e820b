/** Starts the load driver inside the environment's namespace and stops it (stop file) when asked. */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Environment } from "../../env/environment";
import { TS_NODE } from "../../env/inside";
import { REPO_ROOT } from "../../scripts/toolchain";
import type { DriverResult } from "./loadDriver";

export interface ClientLoad {
    /** Ends the load after its current 5 s segment; resolves with every request's outcome. */
    stop(): Promise<DriverResult>;
}

export function startClientLoad(env: Environment, o: { namespace: string; service: string; model: string; concurrency: number }): ClientLoad {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-upgrade-load-"));
    const stopFile = path.join(dir, "stop");
    const json = path.join(dir, "result.json");
    const args = [
        ...TS_NODE, path.join(__dirname, "loadDriver.ts"),
        "--kubeconfig", env.inside.kubeconfig, "--namespace", o.namespace, "--service", o.service, "--model", o.model,
        "--concurrency", String(o.concurrency), "--stop", stopFile, "--json", json,
    ];
    const [cmd, cmdArgs] = env.inNamespace(process.execPath, args);
    const child = spawn(cmd, cmdArgs, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return {
        async stop() {
            fs.writeFileSync(stopFile, "");
            const code = await Promise.race([exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 60_000))]);
            if (code === "timeout") {
                child.kill("SIGKILL");
                throw new Error(`load driver did not stop within 60 s:\n${out}`);
            }
            if (code !== 0) throw new Error(`load driver failed (exit ${code}):\n${out}`);
            const r = JSON.parse(fs.readFileSync(json, "utf8")) as DriverResult;
            fs.rmSync(dir, { recursive: true, force: true });
            return r;
        },
    };
}
