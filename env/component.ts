/**
 * The process model of the local environment, in envtest's shape (one small type per process
 * with Start/Stop) and kwok's (a list of components whose reverse is the stop order): a Component
 * is a process spec plus what "ready" means, all plain data, so the record in the state file is
 * enough to stop it, start it again and wait for it from any process (a fault test restarting
 * Prometheus, `npm run demo:down` from another shell). ./components.ts runs lists of them.
 */
import { ProcessRecord, ProcessSpec, isRunning, startProcess, stopProcess, waitUntil } from "./process";
import { Readiness, describeReadiness, isReady } from "./readiness";

export interface ComponentSpec extends ProcessSpec {
    /** Waited for after every start; without it, running is ready. */
    readiness?: Readiness;
    /** What is waited for, in messages (default: the process name and its readiness). */
    what?: string;
    /** Bound for the readiness wait. Default 60 s. */
    readyTimeoutMs?: number;
    /** SIGTERM grace before SIGKILL. Default 10 s. */
    graceMs?: number;
}

/** A started component, as the state file keeps it. */
export type ComponentRecord = ComponentSpec & ProcessRecord;

export class Component {
    private rec?: ComponentRecord;

    constructor(readonly spec: ComponentSpec) {}

    /** The component of a recorded process (to stop it, or start it again the same way). */
    static fromRecord(rec: ComponentRecord): Component {
        const { pid: _pid, ...spec } = rec;
        const c = new Component(spec);
        c.rec = rec;
        return c;
    }

    get name(): string {
        return this.spec.name;
    }

    /** The running process (after start). */
    get process(): ComponentRecord {
        if (!this.rec) throw new Error(`${this.name} has not been started`);
        return this.rec;
    }

    get started(): boolean {
        return this.rec !== undefined;
    }

    running(): boolean {
        return this.rec !== undefined && isRunning(this.rec);
    }

    /** Spawns the process detached; does not wait (see ready). */
    start(): ComponentRecord {
        this.rec = { ...this.spec, ...startProcess(this.spec) };
        return this.rec;
    }

    /** Resolves once the readiness check passes; fails at once if the process exits, or after the bound. */
    async ready(timeoutMs = this.spec.readyTimeoutMs ?? 60_000): Promise<void> {
        const r = this.spec.readiness;
        const what = this.spec.what ?? (r ? `${this.name} (${describeReadiness(r)})` : `${this.name} to run`);
        await waitUntil(what, async () => (r ? isReady(r) : this.running()), { timeoutMs, process: this.process, intervalMs: 200 });
    }

    /** SIGTERM, SIGKILL after the grace; true when something was running. */
    async stop(): Promise<boolean> {
        return this.rec ? stopProcess(this.rec, this.spec.graceMs ?? 10_000) : false;
    }

    /** Stop, start the same way, wait until ready: what a fault test or a config change needs. */
    async restart(): Promise<ComponentRecord> {
        await this.stop();
        this.start();
        await this.ready();
        return this.process;
    }
}
