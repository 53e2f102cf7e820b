/** Progress output of the local cluster. */

export type Log = (msg: string) => void;

export const defaultLog: Log = (msg) => {
    process.stderr.write(`[local-cluster] ${msg}\n`);
};

/** Runs `fn` and logs `label` with how long it took. */
export async function timed<T>(log: Log, label: string, fn: () => Promise<T>): Promise<T> {
    const t = Date.now();
    const result = await fn();
    log(`${label} (${((Date.now() - t) / 1000).toFixed(1)}s)`);
    return result;
}
