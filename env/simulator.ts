/**
 * One vLLM simulator (sim/) on a free port of 127.0.0.1, as a Component: ready when /health
 * answers 200, stopped by PID. For measuring the simulator on its own (scripts/bench-sim.ts); in
 * the environment, the pod runner starts simulators on pod IPs instead (env/pods).
 */
import { ensureSimBuilt } from "../sim/build";
import { Component } from "./component";
import { freePort } from "./ports";

export async function simulatorComponent(o: { name?: string; args: string[]; logFile: string }): Promise<{ component: Component; url: string; port: number }> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const component = new Component({
        name: o.name ?? "vllm-sim",
        command: process.execPath,
        args: [ensureSimBuilt(), "--host", "127.0.0.1", "--port", String(port), ...o.args],
        logFile: o.logFile,
        readiness: { http: `${url}/health` },
        readyTimeoutMs: 10_000,
        graceMs: 3_000,
    });
    return { component, url, port };
}
