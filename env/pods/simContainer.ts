/**
 * One vLLM container of a kwok pod, run for real as a simulator process on the pod's IP: started
 * from the container's flags and environment, probed like the kubelet does, restarted (with
 * CrashLoopBackOff) when startup or liveness fail or the process exits. Its status is what the
 * pod runner writes to the API server.
 */
import type { V1Container, V1ContainerStatus, V1Probe } from "@kubernetes/client-node";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import { ProbeKind, ProbeState, UnsupportedProbeError, probeTiming, runProbe } from "./probe";

/** kubelet's container restart back-off (pkg/kubelet/kuberuntime): 10 s doubling, at most 300 s. */
const BACKOFF_INITIAL_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
/** A container that ran this long resets its back-off (kubelet: 10 minutes). */
const BACKOFF_RESET_MS = 600_000;
/** Grace between SIGTERM and SIGKILL on a restart (the pod's own grace is usually 30 s; tests want less). */
const KILL_GRACE_MS = 5_000;

export interface SimContainerOptions {
    container: V1Container;
    podIP: string;
    /** Simulator argv (after `node <main>`). */
    args: string[];
    /** The container's resolved environment (secrets included: never logged). */
    env: Record<string, string>;
    simMain: string;
    logFile: string;
    /** Called whenever the status changes. */
    onChange: () => void;
    /** Runner log (no secrets). */
    log: (msg: string) => void;
}

type State = { kind: "running"; startedAt: Date } | { kind: "waiting"; reason: string } | { kind: "stopped" };

export class SimContainer {
    private child?: ChildProcess;
    private state: State = { kind: "waiting", reason: "ContainerCreating" };
    private lastTerminated?: { exitCode: number; reason: string; startedAt: Date; finishedAt: Date };
    private restartCount = 0;
    private started = false;
    private ready = false;
    private timers: NodeJS.Timeout[] = [];
    private probes = new Map<ProbeKind, ProbeState>();
    private consecutiveRestarts = 0;

    constructor(private readonly o: SimContainerOptions) {}

    get pid(): number | undefined {
        return this.child?.pid;
    }

    start(): void {
        if (this.state.kind === "stopped") return;
        const fd = fs.openSync(this.o.logFile, "a");
        const child = spawn(process.execPath, [this.o.simMain, ...this.o.args], {
            env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...this.o.env },
            stdio: ["ignore", fd, fd],
        });
        fs.closeSync(fd);
        this.child = child;
        const startedAt = new Date();
        this.state = { kind: "running", startedAt };
        this.started = false;
        this.ready = false;
        this.o.log(`started simulator pid ${child.pid} on ${this.o.podIP} (log ${this.o.logFile})`);
        child.on("exit", (code, sig) => {
            if (this.child !== child) return;
            this.child = undefined;
            if (this.state.kind === "stopped") return;
            this.o.log(`simulator pid ${child.pid} exited (${sig ?? code})`);
            this.restart(code ?? 137, "Error", startedAt);
        });
        this.armProbes();
        this.o.onChange();
    }

    /** Schedules the probes of a fresh start: startup first, then readiness and liveness. */
    private armProbes(): void {
        this.clearTimers();
        const c = this.o.container;
        if (c.startupProbe) this.schedule("startup", c.startupProbe, true);
        else this.onStarted();
    }

    private onStarted(): void {
        this.started = true;
        const c = this.o.container;
        if (c.readinessProbe) this.schedule("readiness", c.readinessProbe, true);
        else this.ready = true;
        if (c.livenessProbe) this.schedule("liveness", c.livenessProbe, true);
        this.o.onChange();
    }

    private schedule(kind: ProbeKind, probe: V1Probe, first: boolean): void {
        const timing = probeTiming(probe);
        if (first) this.probes.set(kind, new ProbeState(timing));
        const delay = (first ? timing.initialDelaySeconds : timing.periodSeconds) * 1000;
        const t = setTimeout(() => void this.probeOnce(kind, probe), delay);
        this.timers.push(t);
    }

    private async probeOnce(kind: ProbeKind, probe: V1Probe): Promise<void> {
        const generation = this.child;
        let ok: boolean;
        try {
            ok = await runProbe(probe, this.o.container, this.o.podIP);
        } catch (e) {
            if (!(e instanceof UnsupportedProbeError)) throw e;
            this.o.log(`${kind} probe: ${e.message}; treated as success`);
            ok = true;
        }
        if (this.child !== generation || this.state.kind !== "running") return; // restarted meanwhile
        const verdict = this.probes.get(kind)?.record(ok);
        if (kind === "startup") {
            if (verdict === "passed") return this.onStarted();
            if (verdict === "failed") return this.fail(`startup probe failed ${probeTiming(probe).failureThreshold} times`);
        } else if (kind === "liveness" && verdict === "failed") {
            return this.fail(`liveness probe failed ${probeTiming(probe).failureThreshold} times`);
        } else if (kind === "readiness" && verdict !== undefined && this.ready !== (verdict === "passed")) {
            this.ready = verdict === "passed";
            this.o.log(`readiness: ${this.ready ? "ready" : "not ready"}`);
            this.o.onChange();
        }
        this.schedule(kind, probe, false);
    }

    /** The kubelet kills a container whose startup or liveness probe failed, then restarts it. */
    private fail(reason: string): void {
        this.o.log(`${reason}: restarting`);
        const child = this.child;
        const startedAt = this.state.kind === "running" ? this.state.startedAt : new Date();
        this.child = undefined;
        this.clearTimers();
        void killGracefully(child).then((code) => this.restart(code, "Error", startedAt));
    }

    private restart(exitCode: number, reason: string, startedAt: Date): void {
        if (this.state.kind === "stopped") return;
        this.clearTimers();
        const finishedAt = new Date();
        this.lastTerminated = { exitCode, reason, startedAt, finishedAt };
        this.consecutiveRestarts = finishedAt.getTime() - startedAt.getTime() > BACKOFF_RESET_MS ? 0 : this.consecutiveRestarts;
        const delay = this.consecutiveRestarts === 0 ? 0 : Math.min(BACKOFF_INITIAL_MS * 2 ** (this.consecutiveRestarts - 1), BACKOFF_MAX_MS);
        this.consecutiveRestarts++;
        this.restartCount++;
        this.started = false;
        this.ready = false;
        this.state = { kind: "waiting", reason: delay > 0 ? "CrashLoopBackOff" : "ContainerCreating" };
        this.o.onChange();
        this.timers.push(setTimeout(() => this.start(), delay));
    }

    /** SIGTERM, then SIGKILL after `graceMs` (a pod's remaining grace period on deletion). */
    async stop(graceMs = KILL_GRACE_MS): Promise<void> {
        this.state = { kind: "stopped" };
        this.clearTimers();
        const child = this.child;
        this.child = undefined;
        await killGracefully(child, graceMs);
    }

    private clearTimers(): void {
        for (const t of this.timers) clearTimeout(t);
        this.timers = [];
    }

    status(): V1ContainerStatus {
        const c = this.o.container;
        const s = this.state;
        const t = this.lastTerminated;
        return {
            name: c.name,
            image: c.image ?? "",
            imageID: "",
            ready: this.ready,
            started: this.started,
            restartCount: this.restartCount,
            state:
                s.kind === "running"
                    ? { running: { startedAt: s.startedAt } }
                    : { waiting: { reason: s.kind === "waiting" ? s.reason : "Terminating" } },
            lastState: t ? { terminated: { exitCode: t.exitCode, reason: t.reason, startedAt: t.startedAt, finishedAt: t.finishedAt } } : {},
        };
    }
}

/** SIGTERM, SIGKILL after the grace; resolves with the exit code (137 when killed). */
function killGracefully(child: ChildProcess | undefined, graceMs = KILL_GRACE_MS): Promise<number> {
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child?.exitCode ?? 137);
    return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        child.once("exit", (code) => {
            clearTimeout(timer);
            resolve(code ?? 137);
        });
        child.kill("SIGTERM");
    });
}
