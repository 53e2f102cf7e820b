/**
 * The environment's one state file: every process it started, in start order (so the stop order is
 * its reverse, for a whole environment, a cluster alone or a rollback), and the facts clients need
 * (ports, kubeconfigs, the namespace). Written atomically on every change; re-read before every
 * change, because the host side and the namespace side of the environment both write it (never
 * at the same time). A file-less StateFile keeps the same records in memory (a component started
 * alone by a test).
 */
import * as fs from "fs";
import * as path from "path";
import type { ComponentRecord } from "./component";

export interface StateContent {
    version: 2;
    /** Start order. */
    processes: ComponentRecord[];
    /** Plain data by section (`cluster`, `environment`, ...). */
    facts: Record<string, unknown>;
}

function empty(): StateContent {
    return { version: 2, processes: [], facts: {} };
}

export class StateFile {
    private memory = empty();

    /** `file` undefined: in memory only. */
    constructor(readonly file?: string) {}

    exists(): boolean {
        return this.file === undefined ? this.memory.processes.length > 0 : fs.existsSync(this.file);
    }

    read(): StateContent {
        if (this.file === undefined) return this.memory;
        try {
            const c = JSON.parse(fs.readFileSync(this.file, "utf8")) as StateContent;
            return c.version === 2 && Array.isArray(c.processes) ? c : empty();
        } catch {
            return empty();
        }
    }

    update(change: (c: StateContent) => void): StateContent {
        const c = this.read();
        change(c);
        if (this.file === undefined) {
            this.memory = c;
        } else {
            fs.mkdirSync(path.dirname(this.file), { recursive: true });
            fs.writeFileSync(`${this.file}.tmp`, JSON.stringify(c, null, 2) + "\n");
            fs.renameSync(`${this.file}.tmp`, this.file);
        }
        return c;
    }

    processes(): ComponentRecord[] {
        return this.read().processes;
    }

    /** The latest record of that name. */
    process(name: string): ComponentRecord | undefined {
        return [...this.processes()].reverse().find((p) => p.name === name);
    }

    add(rec: ComponentRecord): void {
        this.update((c) => c.processes.push(rec));
    }

    /** Replaces the record with `pid` (a restart keeps its place in the start order). */
    replace(pid: number, rec: ComponentRecord): void {
        this.update((c) => {
            const i = c.processes.findIndex((p) => p.pid === pid);
            if (i >= 0) c.processes[i] = rec;
            else c.processes.push(rec);
        });
    }

    remove(pid: number): void {
        this.update((c) => (c.processes = c.processes.filter((p) => p.pid !== pid)));
    }

    fact<T>(key: string): T | undefined {
        return this.read().facts[key] as T | undefined;
    }

    setFact(key: string, value: unknown): void {
        this.update((c) => (c.facts[key] = value));
    }

    delete(): void {
        if (this.file === undefined) this.memory = empty();
        else fs.rmSync(this.file, { force: true });
    }
}
