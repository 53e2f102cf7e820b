/**
 * The doctor's only way into the cluster: GETs of API paths (objects, aggregated APIs, the pod and
 * service proxies) with the kubeconfig's identity and a timeout, through @kubernetes/client-node's
 * credential handling. Read-only by construction: there is no other verb.
 */
import { KubeConfig } from "@kubernetes/client-node";
import * as http from "http";
import * as https from "https";
import { BadInput } from "../types";

export interface RawResponse {
    status: number;
    body: string;
}

/** An API error other than 404, with the status the API server answered. */
export class KubeError extends Error {
    constructor(
        readonly status: number,
        message: string,
    ) {
        super(message);
    }
}

export class KubeReader {
    readonly server: string;
    private readonly config: KubeConfig;

    /** Throws BadInput when the kubeconfig cannot be read or names no cluster. */
    constructor(
        readonly kubeconfig: string,
        private readonly timeoutMs = 10_000,
    ) {
        this.config = new KubeConfig();
        try {
            this.config.loadFromFile(kubeconfig);
        } catch (e) {
            throw new BadInput(`cannot read kubeconfig ${kubeconfig}: ${firstLine(e)}`);
        }
        const server = this.config.getCurrentCluster()?.server;
        if (!server) throw new BadInput(`kubeconfig ${kubeconfig} has no current cluster`);
        this.server = server;
    }

    /** GET an API path; status and body, never throws on an HTTP status (only on no answer). */
    async raw(apiPath: string): Promise<RawResponse> {
        // Appended, not resolved: a server URL may carry a path prefix (API proxies such as Rancher's).
        const u = new URL(this.server.replace(/\/$/, "") + apiPath);
        const opts: https.RequestOptions = { hostname: u.hostname, port: u.port, path: u.pathname + u.search, method: "GET", timeout: this.timeoutMs };
        await this.config.applyToHTTPSOptions(opts);
        const client = u.protocol === "http:" ? http : https;
        return new Promise((resolve, reject) => {
            const req = client.request(opts, (res) => {
                let body = "";
                res.setEncoding("utf8");
                res.on("data", (d: string) => (body += d));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            });
            req.on("timeout", () => req.destroy(new Error(`no answer within ${this.timeoutMs / 1000} s`)));
            req.on("error", reject);
            req.end();
        });
    }

    /** GET a JSON object; undefined on 404, KubeError on any other non-2xx status. */
    async get<T>(apiPath: string): Promise<T | undefined> {
        const r = await this.raw(apiPath);
        if (r.status === 404) return undefined;
        if (r.status < 200 || r.status > 299) throw new KubeError(r.status, `GET ${apiPath}: HTTP ${r.status} ${statusMessage(r.body)}`.trim());
        return JSON.parse(r.body) as T;
    }

    /** Like get, but a missing object is an error naming `what`. */
    async must<T>(apiPath: string, what: string): Promise<T> {
        const v = await this.get<T>(apiPath);
        if (v === undefined) throw new KubeError(404, `${what} not found`);
        return v;
    }

    /** Throws BadInput naming the server when the API server does not answer /version. */
    async ensureReachable(): Promise<void> {
        let r: RawResponse;
        try {
            r = await this.raw("/version");
        } catch (e) {
            throw new BadInput(`cannot reach the cluster at ${this.server} (kubeconfig ${this.kubeconfig}): ${firstLine(e)}`);
        }
        if (r.status === 401 || r.status === 403) throw new BadInput(`the cluster at ${this.server} refuses the kubeconfig's credentials (HTTP ${r.status})`);
        if (r.status !== 200) throw new BadInput(`the cluster at ${this.server} answered /version with HTTP ${r.status}`);
    }
}

/** A Kubernetes Status body's message, or the first 200 characters of any other body. */
export function statusMessage(body: string): string {
    try {
        const s = JSON.parse(body) as { message?: string };
        if (typeof s.message === "string") return s.message;
    } catch {
        /* not JSON */
    }
    return body.trim().slice(0, 200);
}

export function firstLine(e: unknown): string {
    const m = e instanceof Error ? e.message : String(e);
    return m.split("\n")[0] || (e as { code?: string }).code || "unknown error";
}
