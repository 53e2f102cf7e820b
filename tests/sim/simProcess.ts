/**
 * Test helpers: real simulator processes on 127.0.0.1 with free ports, stopped by PID, and
 * /metrics read into families.
 */
import { ChildProcess, spawn } from "node:child_process";
import { freePort } from "../../env/ports";
import { waitFor as waitForValue } from "../../env/process";
import { ensureSimBuilt } from "../../sim/build";
import { Family, parseExposition } from "./exposition";

export interface SimProcess {
    url: string;
    port: number;
    child: ChildProcess;
    /** Everything the process wrote so far (stdout + stderr). */
    output(): string;
}

const started = new Set<ChildProcess>();

/** The one free-port helper (env/ports.ts), re-exported for the simulator's tests. */
export { freePort };

/** Starts `node <compiled sim> --host 127.0.0.1 --port <free> ...args`; does not wait for it. */
export async function spawnSim(args: string[], env: Record<string, string> = {}): Promise<SimProcess> {
    const main = ensureSimBuilt();
    const port = await freePort();
    const child = spawn(process.execPath, [main, "--host", "127.0.0.1", "--port", String(port), ...args], {
        env: { PATH: process.env.PATH ?? "", ...env },
        stdio: ["ignore", "pipe", "pipe"],
    });
    started.add(child);
    child.on("exit", () => started.delete(child));
    let out = "";
    child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
    return { url: `http://127.0.0.1:${port}`, port, child, output: () => out };
}

/** env/process.ts waitFor, checking every 25 ms (the simulator answers in milliseconds). */
export function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
    return waitForValue(what, check, { timeoutMs, intervalMs: 25 });
}

/** Starts a simulator and waits for /health 200. */
export async function startSim(args: string[], env: Record<string, string> = {}): Promise<SimProcess> {
    const sim = await spawnSim(args, env);
    await waitFor(`/health of ${sim.url}\n${sim.output()}`, 10_000, async () => ((await fetch(`${sim.url}/health`)).status === 200 ? true : undefined));
    return sim;
}

/** SIGTERM (then SIGKILL after 3 s) by PID; resolves with the exit code. */
export function stopSim(sim: SimProcess | undefined): Promise<number | null> {
    if (!sim || sim.child.exitCode !== null || sim.child.signalCode !== null) return Promise.resolve(sim?.child.exitCode ?? null);
    return new Promise((resolve) => {
        const kill = setTimeout(() => sim.child.pid && process.kill(sim.child.pid, "SIGKILL"), 3000);
        sim.child.once("exit", (code) => {
            clearTimeout(kill);
            resolve(code);
        });
        process.kill(sim.child.pid!, "SIGTERM");
    });
}

/** Kills every simulator still running (mocha root hook safety net). */
export function killAllSims(): void {
    for (const child of started) if (child.pid && child.exitCode === null) process.kill(child.pid, "SIGKILL");
}

/** GET /metrics and parse it. */
export async function scrape(url: string): Promise<Map<string, Family>> {
    const res = await fetch(`${url}/metrics`);
    if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
    return parseExposition(await res.text());
}

function matches(labels: Record<string, string>, subset: Record<string, string>): boolean {
    return Object.entries(subset).every(([k, v]) => labels[k] === v);
}

/** The value of the one gauge/counter sample of `name` whose labels include `labels`. */
export function sample(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
    const fam = families.get(name);
    if (!fam) throw new Error(`no metric family ${name}`);
    const found = fam.samples.filter((x) => x.name === name && matches(x.labels, labels));
    if (found.length !== 1) throw new Error(`${found.length} samples of ${name} with ${JSON.stringify(labels)}`);
    return found[0].value;
}

/** Cumulative bucket counts of a histogram child (labels subset), keyed by the `le` text. */
export function buckets(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): Record<string, number> {
    const fam = families.get(name);
    if (fam?.type !== "histogram") throw new Error(`no histogram ${name}`);
    const rows = fam.samples.filter((x) => x.name === `${name}_bucket` && matches(x.labels, labels));
    return Object.fromEntries(rows.map((r) => [r.labels.le, r.value]));
}
