/**
 * What "ready" means for a process, as plain data: recorded in the state file with the process,
 * so whoever restarts it later (a fault test, `inside.ts component restart`) waits for the same
 * thing the first start waited for.
 */
import * as fs from "fs";
import { httpGet } from "./http";
import { tcpAccepts } from "./ports";

export type Readiness =
    /** GET answers 200 (TLS files by path; `bodyMatches` a multi-line regex the body must match). */
    | { http: string; ca?: string; cert?: string; key?: string; bodyMatches?: string }
    /** The file exists (a socket, a config file the process writes). */
    | { file: string }
    /** A TCP connection is accepted. */
    | { tcp: { host: string; port: number } }
    | { all: Readiness[] };

/** For messages: `GET https://127.0.0.1:6443/readyz`. */
export function describeReadiness(r: Readiness): string {
    if ("http" in r) return `GET ${r.http}${r.bodyMatches ? ` matching /${r.bodyMatches}/` : ""}`;
    if ("file" in r) return `file ${r.file}`;
    if ("tcp" in r) return `tcp ${r.tcp.host}:${r.tcp.port}`;
    return r.all.map(describeReadiness).join(" and ");
}

/** One check; a failed connection counts as not ready. */
export async function isReady(r: Readiness): Promise<boolean> {
    if ("http" in r) {
        const read = (f?: string) => (f ? fs.readFileSync(f) : undefined);
        const res = await httpGet(r.http, { ca: read(r.ca), cert: read(r.cert), key: read(r.key) });
        return res.status === 200 && (r.bodyMatches === undefined || new RegExp(r.bodyMatches, "m").test(res.body));
    }
    if ("file" in r) return fs.existsSync(r.file);
    if ("tcp" in r) return tcpAccepts(r.tcp.host, r.tcp.port, 2_000);
    for (const each of r.all) if (!(await isReady(each))) return false;
    return true;
}
