/**
 * The network namespace the local environment lives in. Pod IPs must be non-loopback to pass
 * Endpoints/EndpointSlice validation (k8s pkg/apis/core/validation ValidateEndpointIP), yet every
 * process behind them runs on this machine: inside a namespace of our own, a `local` route makes a
 * whole private range bindable on `lo` (AnyIP), and no packet to those addresses leaves it.
 * The namespace lives as long as its holder process (`unshare -n sleep infinity`).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { ProcessRecord, isRunning, startProcess, stopProcess, waitUntil } from "./process";

export interface NetworkNamespace {
    /** The holder process: the namespace ends when it does. */
    holder: ProcessRecord;
    /** `/proc/<holder>/ns/net`, what nsenter enters. */
    path: string;
    /** Ranges routed locally inside the namespace (CIDRs). */
    localRanges: string[];
}

/** Creates the namespace, brings `lo` up and routes each range to it. Needs root (or a user namespace). */
export async function createNetns(opts: { logFile: string; localRanges: string[] }): Promise<NetworkNamespace> {
    for (const r of opts.localRanges) assertPrivateCidr(r);
    // unshare execs sleep: the recorded command is what /proc shows from then on.
    const holder = startProcess({ name: "netns", wrapper: ["unshare", "--net", "--"], command: "sleep", args: ["infinity"], logFile: opts.logFile });
    const nsPath = `/proc/${holder.pid}/ns/net`;
    const ownNs = fs.readlinkSync("/proc/self/ns/net");
    await waitUntil("the network namespace holder", async () => isRunning(holder) && fs.readlinkSync(nsPath) !== ownNs, {
        timeoutMs: 5_000,
        intervalMs: 20,
        process: holder,
    });
    const ns: NetworkNamespace = { holder, path: nsPath, localRanges: opts.localRanges };
    try {
        nsRun(ns, "ip", ["link", "set", "lo", "up"]);
        for (const range of opts.localRanges) nsRun(ns, "ip", ["route", "add", "local", range, "dev", "lo", "table", "local"]);
    } catch (e) {
        await stopProcess(holder, 1_000);
        throw new Error(`could not set up the network namespace (root is needed for unshare/nsenter): ${(e as Error).message}`);
    }
    return ns;
}

/** `[command, args]` that run `cmd args` inside the namespace (nsenter execs, so the PID is cmd's). */
export function nsCommand(ns: Pick<NetworkNamespace, "path">, cmd: string, args: string[]): [string, string[]] {
    return ["nsenter", [`--net=${ns.path}`, "--", cmd, ...args]];
}

/** Runs a short command inside the namespace and returns its stdout. */
export function nsRun(ns: Pick<NetworkNamespace, "path">, cmd: string, args: string[]): string {
    const [c, a] = nsCommand(ns, cmd, args);
    return execFileSync(c, a, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** True while the namespace exists (its holder is alive). */
export function netnsAlive(ns: NetworkNamespace): boolean {
    return isRunning(ns.holder);
}

export async function deleteNetns(ns: NetworkNamespace): Promise<void> {
    await stopProcess(ns.holder, 2_000);
}

/** Only RFC 1918 ranges: anything else routed locally could shadow a real address of the machine. */
export function assertPrivateCidr(cidr: string): void {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!m) throw new Error(`not an IPv4 CIDR: ${JSON.stringify(cidr)}`);
    const [a, b] = [Number(m[1]), Number(m[2])];
    const isPrivate = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
    if (!isPrivate) throw new Error(`${cidr} is not a private (RFC 1918) range`);
}
