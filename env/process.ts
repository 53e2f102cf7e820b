/**
 * One process of the local environment: started detached with its output in a log file, recorded
 * by PID, waited on with a bounded check that names it and its log, and stopped by that PID only.
 * The same shape as controller-runtime's envtest `process` package, for Node. env/component.ts
 * adds readiness and restart on top; env/stateFile.ts keeps the records.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface ProcessSpec {
    /** Short name used in messages, in the state file and as the log file's default name. */
    name: string;
    /** The executable that runs in the end (what /proc shows; checked before any signal). */
    command: string;
    args: string[];
    /**
     * Commands that exec `command args` (`unshare --mount ...`, `nsenter ...`): spawned as
     * `[...wrapper, command, ...args]`; as they exec, the PID is the command's own.
     */
    wrapper?: string[];
    /**
     * Set on top of this process's environment (which loses KUBECONFIG, so nothing is implicit).
     * Recorded in the state file: never a secret.
     */
    extraEnv?: Record<string, string>;
    cwd?: string;
    logFile: string;
    /**
     * Its children stay in its process group (the pod runner's simulators): stop signals the
     * leader first, then whatever of the group is left, so a crashed leader leaves nothing behind.
     */
    group?: boolean;
}

/** What is kept (in the state file) to find, stop and start the process again, from any process. */
export interface ProcessRecord extends ProcessSpec {
    pid: number;
}

/** Starts the process in its own process group (and session), so it outlives the caller and its Ctrl-C. */
export function startProcess(spec: ProcessSpec): ProcessRecord {
    fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
    const fd = fs.openSync(spec.logFile, "a");
    const env = { ...withoutKubeconfig(process.env), ...(spec.extraEnv ?? {}) };
    const [cmd, ...args] = [...(spec.wrapper ?? []), spec.command, ...spec.args];
    try {
        const child = spawn(cmd, args, { cwd: spec.cwd, env, stdio: ["ignore", fd, fd], detached: true });
        child.on("error", (err) => fs.appendFileSync(spec.logFile, `\n[env] could not start ${cmd}: ${err.message}\n`));
        child.unref();
        if (child.pid === undefined) throw new Error(`${spec.name}: could not start ${cmd} (log: ${spec.logFile})`);
        return { ...spec, pid: child.pid };
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
export function isRunning(rec: Pick<ProcessRecord, "pid" | "command">): boolean {
    if (!pidAlive(rec.pid)) return false;
    try {
        const argv = fs.readFileSync(`/proc/${rec.pid}/cmdline`, "utf8").split("\0");
        return argv.includes(rec.command) || argv.some((a) => path.basename(a) === path.basename(rec.command));
    } catch {
        return process.platform !== "linux";
    }
}

/**
 * SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone (true when something
 * was running). Never signals a reused PID. For a `group` record, what is left of its process
 * group once the leader is gone gets the same treatment.
 */
export async function stopProcess(rec: ProcessRecord, graceMs = 10_000): Promise<boolean> {
    const running = isRunning(rec);
    if (running) await terminate(() => pidAlive(rec.pid), (sig) => signal(rec.pid, sig), graceMs);
    const left = rec.group ? groupMembers(rec.pid) : [];
    if (left.length > 0) await terminate(() => groupMembers(rec.pid).length > 0, (sig) => signal(-rec.pid, sig), graceMs);
    return running || left.length > 0;
}

async function terminate(alive: () => boolean, send: (sig: NodeJS.Signals) => void, graceMs: number): Promise<void> {
    send("SIGTERM");
    const deadline = Date.now() + graceMs;
    while (alive() && Date.now() < deadline) await sleep(100);
    if (!alive()) return;
    send("SIGKILL");
    const killDeadline = Date.now() + 5_000;
    while (alive() && Date.now() < killDeadline) await sleep(50);
}

/**
 * Live processes whose process group is `pgid` (Linux /proc). A group ID is not handed out again
 * while any member lives, so these are the leader's own children, never strangers.
 */
export function groupMembers(pgid: number): number[] {
    let entries: string[];
    try {
        entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
    } catch {
        return [];
    }
    return entries.map(Number).filter((pid) => {
        try {
            const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
            const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            return Number(pgrp) === pgid && state !== "Z" && state !== "X";
        } catch {
            return false;
        }
    });
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
    process?: Pick<ProcessRecord, "name" | "pid" | "logFile">;
}

/**
 * The one wait helper: polls `check` until it returns a value (not undefined) and resolves with it;
 * errors name `what`, the last error `check` threw and, when given, the process and its log tail.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, opts: WaitOptions): Promise<T> {
    const deadline = Date.now() + opts.timeoutMs;
    let last = "";
    for (;;) {
        try {
            const value = await check();
            if (value !== undefined) return value;
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

/** waitFor for a yes/no check: resolves once `check` returns true. */
export async function waitUntil(what: string, check: () => Promise<boolean>, opts: WaitOptions): Promise<void> {
    await waitFor(what, async () => ((await check()) ? true : undefined), opts);
}
