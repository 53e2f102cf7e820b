/**
 * Lists of components: started in order (a stage of several starts them together), each recorded
 * in the state file the moment it spawns; stopped in the reverse of the recorded order. A failed
 * start rolls back by the same mechanism: what that start-up recorded is stopped in reverse.
 */
import { Component, ComponentRecord } from "./component";
import { StateFile } from "./stateFile";

export type Stage = Component | Component[];
export type Log = (msg: string) => void;

/**
 * One start-up: `start` stages in order; on any failure (also of checks the caller makes between
 * stages) `rollback` stops exactly what this start-up started, in reverse, and forgets it.
 */
export class Startup {
    private readonly started: Component[] = [];

    constructor(
        private readonly state: StateFile,
        private readonly log: Log = () => undefined,
    ) {}

    /** Starts the stage's components together, records them, waits until each is ready. */
    async start(stage: Stage): Promise<void> {
        const cs = Array.isArray(stage) ? stage : [stage];
        for (const c of cs) {
            this.state.add(c.start());
            this.started.push(c);
        }
        await Promise.all(
            cs.map(async (c) => {
                const t = Date.now();
                await c.ready();
                this.log(`${c.name} is ready (${((Date.now() - t) / 1000).toFixed(1)}s)`);
            }),
        );
    }

    async rollback(): Promise<void> {
        for (const c of this.started.splice(0).reverse()) {
            await c.stop().catch(() => undefined);
            this.state.remove(c.process.pid);
        }
    }

    /** Runs `fn`; rolls back and rethrows if it fails. */
    async run<T>(fn: (s: Startup) => Promise<T>): Promise<T> {
        try {
            return await fn(this);
        } catch (e) {
            this.log("start failed; stopping what was started");
            await this.rollback();
            throw e;
        }
    }
}

/** Starts the stages in order; all or nothing. */
export async function startComponents(state: StateFile, stages: Stage[], log?: Log): Promise<void> {
    await new Startup(state, log).run(async (s) => {
        for (const stage of stages) await s.start(stage);
    });
}

/**
 * Stops recorded processes in the reverse of their start order (all, or those `only` names) and
 * removes their records (`keepRecords`: stopped, but startable again with startRecorded).
 * Returns what was running and is now stopped.
 */
export async function stopComponents(state: StateFile, opts: { only?: string[]; keepRecords?: boolean; log?: Log } = {}): Promise<ComponentRecord[]> {
    const stopped: ComponentRecord[] = [];
    for (const rec of [...state.processes()].reverse()) {
        if (opts.only && !opts.only.includes(rec.name)) continue;
        if (await Component.fromRecord(rec).stop()) stopped.push(rec);
        if (!opts.keepRecords) state.remove(rec.pid);
    }
    if (opts.log && stopped.length > 0) opts.log(`stopped ${stopped.map((r) => `${r.name}(${r.pid})`).join(", ")}`);
    return stopped;
}

/** Starts a recorded component again the same way (stopping it first if it runs: a restart) and waits until it is ready. */
export async function restartRecorded(state: StateFile, name: string): Promise<ComponentRecord> {
    const rec = state.process(name);
    if (!rec) throw new Error(`no process named ${name} is recorded in ${state.file ?? "memory"}`);
    const c = Component.fromRecord(rec);
    await c.stop();
    state.replace(rec.pid, c.start());
    await c.ready();
    return c.process;
}

/** Recorded processes and whether each still runs (by PID and executable). */
export function recordedStatus(state: StateFile): { name: string; pid: number; running: boolean; logFile: string }[] {
    return state.processes().map((r) => ({ name: r.name, pid: r.pid, running: Component.fromRecord(r).running(), logFile: r.logFile }));
}
