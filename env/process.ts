/**
 * One process of the local environment: started detached with its output in a log file, recorded
 * by PID, waited on with a bounded check that names it and its log, and stopped by that PID only.
 * The same shape as controller-runtime's envtest `process` package, for Node.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

export interface ProcessSpec {
    /** Short name used in messages and as the log file's default name (`<logDir>/<name>.log`). */
    name: string;
    command: string;
    args: string[];
    /** Full environment (defaults to this process's, without KUBECONFIG so nothing is implicit). */
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    logFile: string;
}

/** What is kept (in a state file) to find and stop the process later, from any process. */
export interface ProcessRecord {
    name: string;
    pid: number;
    command: string;
    args: string[];
    logFile: string;
}

/** Starts the process in its own process group, so it outlives the caller and its Ctrl-C. */
export function startProcess(spec: ProcessSpec): ProcessRecord {
    fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
    const fd = fs.openSync(spec.logFile, "a");
    const env = spec.env ?? withoutKubeconfig(process.env);
    try {
        const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env, stdio: ["ignore", fd, fd], detached: true });
        child.on("error", (err) => fs.appendFileSync(spec.logFile, `\n[env] could not start ${spec.command}: ${err.message}\n`));
        child.unref();
        if (child.pid === undefined) throw new Error(`${spec.name}: could not start ${spec.command} (log: ${spec.logFile})`);
        return { name: spec.name, pid: child.pid, command: spec.command, args: spec.args, logFile: spec.logFile };
    } finally {
        fs.closeSync(fd);
    }
}

function withoutKubeconfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const copy = { ...env };
    delete copy.KUBECONFIG;
    return copy;
}

/** Alive and not a zombie. */
export function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch {
        return false;
    }
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
        return state !== "Z" && state !== "X";
    } catch {
        return true;
    }
}

/** Alive and still running what we started (PIDs are reused; never signal a stranger). */
export function isRunning(rec: ProcessRecord): boolean {
    if (!pidAlive(rec.pid)) return false;
    try {
        const argv = fs.readFileSync(`/proc/${rec.pid}/cmdline`, "utf8").split("\0");
        return argv.includes(rec.command) || argv.some((a) => path.basename(a) === path.basename(rec.command));
    } catch {
        return process.platform !== "linux";
    }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Never signals a reused PID. */
export async function stopProcess(rec: ProcessRecord, graceMs = 10_000): Promise<boolean> {
    if (!isRunning(rec)) return false;
    signal(rec.pid, "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (pidAlive(rec.pid) && Date.now() < deadline) await sleep(100);
    if (pidAlive(rec.pid)) {
        signal(rec.pid, "SIGKILL");
        while (pidAlive(rec.pid)) await sleep(50);
    }
    return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
    try {
        process.kill(pid, sig);
    } catch {
        /* already gone */
    }
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

export function tailFile(file: string, lines = 30): string {
    try {
        const all = fs.readFileSync(file, "utf8").split("\n");
        return all.slice(Math.max(0, all.length - lines - 1)).join("\n");
    } catch (e) {
        return `(no log: ${(e as Error).message})`;
    }
}

export interface WaitOptions {
    timeoutMs: number;
    intervalMs?: number;
    /** Fail at once, with its log, when this process exits while we wait. */
    process?: ProcessRecord;
}

/** Polls `check` until it returns true; errors name `what` and, when given, the process and its log tail. */
export async function waitUntil(what: string, check: () => Promise<boolean>, opts: WaitOptions): Promise<void> {
    const deadline = Date.now() + opts.timeoutMs;
    let last = "";
    for (;;) {
        try {
            if (await check()) return;
        } catch (e) {
            last = (e as Error).message;
        }
        const p = opts.process;
        if (p && !pidAlive(p.pid)) {
            throw new Error(`${p.name} exited while waiting for ${what} (log: ${p.logFile}):\n${tailFile(p.logFile)}`);
        }
        if (Date.now() > deadline) {
            const logPart = p ? ` (log: ${p.logFile}):\n${tailFile(p.logFile)}` : "";
            throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}${last ? `; last error: ${last}` : ""}${logPart}`);
        }
        await sleep(opts.intervalMs ?? 250);
    }
}

/** A TCP port free on `host` right now (the caller binds it next; the kernel does not hand it out again at once). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
    const srv = net.createServer();
    await new Promise<void>((resolve, reject) => {
        srv.once("error", reject);
        srv.listen(0, host, () => resolve());
    });
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => srv.close(() => resolve()));
    return port;
}
