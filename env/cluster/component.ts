/**
 * One process of the control plane, envtest-style: started detached (env/process.ts) with its log
 * in `<logDir>/<name>.log`, and a bounded readiness wait that names it and shows its log tail.
 */
import * as path from "path";
import { ProcessRecord, startProcess, waitUntil } from "../process";
import { ComponentName } from "./binaries";

/** Where and how any component runs. */
export interface Launch {
    /** The executable. */
    bin: string;
    /** Its log is `<logDir>/<name>.log`. */
    logDir: string;
    /** Working directory (relative paths a component writes land here). */
    cwd: string;
}

export interface Component {
    name: ComponentName;
    process: ProcessRecord;
    /** Resolves once the component answers its health check; fails at once if it exits, or after timeoutMs. */
    ready(timeoutMs: number): Promise<void>;
}

export interface HealthCheck {
    /** What is waited for, in messages (`etcd http://127.0.0.1:2379/health`). */
    what: string;
    check: () => Promise<boolean>;
    intervalMs?: number;
}

/** Bounded wait; errors start with "local cluster:" and name the process and its log. */
export async function waitFor(what: string, check: () => Promise<boolean>, o: { timeoutMs: number; process?: ProcessRecord; intervalMs?: number }): Promise<void> {
    try {
        await waitUntil(what, check, o);
    } catch (e) {
        throw new Error(`local cluster: ${(e as Error).message}`);
    }
}

export function launch(name: ComponentName, args: string[], l: Launch, health: HealthCheck): Component {
    const rec = startProcess({ name, command: l.bin, args, cwd: l.cwd, logFile: path.join(l.logDir, `${name}.log`) });
    return {
        name,
        process: rec,
        ready: (timeoutMs) => waitFor(health.what, health.check, { timeoutMs, process: rec, intervalMs: health.intervalMs }),
    };
}
