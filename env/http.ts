/** Health checks over HTTP(S) with the cluster's CA and client certificates, no agent reuse. */
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import type { Pki } from "./cluster/pki";

export interface TlsOpts {
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
}

export interface HttpResponse {
    status: number;
    body: string;
}

export function httpGet(url: string, tls: TlsOpts = {}, timeoutMs = 3000): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
        const u = new URL(url);
        const mod = u.protocol === "https:" ? https : http;
        const req = mod.get(
            { hostname: u.hostname, port: u.port, path: u.pathname + u.search, timeout: timeoutMs, ...tls, agent: false },
            (res) => {
                let body = "";
                res.setEncoding("utf8");
                res.on("data", (d: string) => (body += d));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            },
        );
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", reject);
    });
}

/** True when `url` answers 200. */
export async function answers200(url: string, tls: TlsOpts = {}): Promise<boolean> {
    return (await httpGet(url, tls)).status === 200;
}

/** The admin identity (system:masters) for requests to the API server. */
export function adminTls(pki: Pki): TlsOpts {
    const admin = pki.cert("admin");
    return { ca: fs.readFileSync(pki.caCrt), cert: fs.readFileSync(admin.crt), key: fs.readFileSync(admin.key) };
}

/** Only the cluster CA, for the components' own serving certificates. */
export function caOnly(pki: Pki): TlsOpts {
    return { ca: fs.readFileSync(pki.caCrt) };
}
