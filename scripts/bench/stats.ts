/** Small statistics for the bench: medians, wall-clock and CPU timing. */
import * as fs from "fs";
import * as os from "os";

/** The median of `xs` (the mean of the middle two for an even count); throws on an empty list. */
export function median(xs: number[]): number {
    if (xs.length === 0) {
        throw new Error("median of no samples");
    }
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** One measurement: wall time, and CPU time of the child processes it waited for. */
export interface Sample {
    wall: number;
    /** User + system seconds of finished children (Linux); NaN where /proc is missing. */
    cpu: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ: fixed at 100 for /proc/<pid>/stat on every Linux ABI

/** CPU seconds (user + system) of this process's waited-for descendants, from /proc/self/stat. */
export function childrenCpuSeconds(): number {
    if (os.platform() !== "linux") {
        return NaN;
    }
    // Fields after the command name (which may contain spaces) start at field 3 (state).
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cutime = Number(fields[16 - 3]);
    const cstime = Number(fields[17 - 3]);
    return (cutime + cstime) / TICKS_PER_SECOND;
}

/** Runs `fn` (which must wait for the processes it starts) and measures it. */
export async function timed(fn: () => Promise<unknown>): Promise<Sample> {
    const cpu0 = childrenCpuSeconds();
    const start = process.hrtime.bigint();
    await fn();
    return { wall: Number(process.hrtime.bigint() - start) / 1e9, cpu: childrenCpuSeconds() - cpu0 };
}

/** Median wall and median CPU of `samples`. */
export function medianSample(samples: Sample[]): Sample {
    return { wall: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)) };
}

/** "1.23 s" */
export function seconds(s: number): string {
    return Number.isNaN(s) ? "n/a" : `${s.toFixed(2)} s`;
}
