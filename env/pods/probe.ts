/**
 * Container probes with the kubelet's semantics (pkg/kubelet/prober, k8s v1.36): a startup probe
 * holds liveness and readiness off until it succeeds; `failureThreshold` consecutive failures of
 * startup or liveness restart the container; readiness flips after `successThreshold` successes or
 * `failureThreshold` failures. Defaults from the API (core/v1 Probe): period 10 s, timeout 1 s,
 * success 1, failure 3.
 */
import type { V1Container, V1Probe } from "@kubernetes/client-node";
import * as http from "http";
import { tcpAccepts } from "../ports";

export type ProbeKind = "startup" | "readiness" | "liveness";

export interface ProbeTiming {
    initialDelaySeconds: number;
    periodSeconds: number;
    timeoutSeconds: number;
    successThreshold: number;
    failureThreshold: number;
}

export function probeTiming(p: V1Probe): ProbeTiming {
    return {
        initialDelaySeconds: p.initialDelaySeconds ?? 0,
        periodSeconds: p.periodSeconds ?? 10,
        timeoutSeconds: p.timeoutSeconds ?? 1,
        successThreshold: p.successThreshold ?? 1,
        failureThreshold: p.failureThreshold ?? 3,
    };
}

/** Resolves a named port against the container's ports, as the kubelet does. */
export function probePort(port: number | string | undefined, container: V1Container): number | undefined {
    if (typeof port === "number") return port;
    if (port === undefined) return undefined;
    if (/^\d+$/.test(port)) return Number(port);
    return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** One probe attempt. True = success. exec probes cannot run (no container): reported as unsupported. */
export async function runProbe(p: V1Probe, container: V1Container, podIP: string): Promise<boolean> {
    const timeoutMs = probeTiming(p).timeoutSeconds * 1000;
    if (p.httpGet) {
        const port = probePort(p.httpGet.port as number | string, container);
        if (port === undefined) return false;
        return httpProbe(p.httpGet.host || podIP, port, p.httpGet.path ?? "/", timeoutMs);
    }
    if (p.tcpSocket) {
        const port = probePort(p.tcpSocket.port as number | string, container);
        return port === undefined ? false : tcpAccepts(p.tcpSocket.host || podIP, port, timeoutMs);
    }
    throw new UnsupportedProbeError(p.exec ? "exec" : p.grpc ? "grpc" : "unknown");
}

export class UnsupportedProbeError extends Error {
    constructor(readonly handler: string) {
        super(`${handler} probes cannot run here: there is no container to run them in`);
    }
}

/** kubelet's HTTP prober: 200 <= status < 400 is success. */
function httpProbe(host: string, port: number, path: string, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
        const req = http.get({ host, port, path, timeout: timeoutMs, headers: { "User-Agent": "kube-probe/1.36" } }, (res) => {
            res.resume();
            resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
        });
        req.on("timeout", () => req.destroy());
        req.on("error", () => resolve(false));
    });
}

/** Consecutive-result bookkeeping of one probe. */
export class ProbeState {
    private successes = 0;
    private failures = 0;
    constructor(readonly timing: ProbeTiming) {}

    /** Records a result; returns "passed"/"failed" when a threshold is crossed, else undefined. */
    record(ok: boolean): "passed" | "failed" | undefined {
        if (ok) {
            this.failures = 0;
            this.successes++;
            return this.successes >= this.timing.successThreshold ? "passed" : undefined;
        }
        this.successes = 0;
        this.failures++;
        return this.failures >= this.timing.failureThreshold ? "failed" : undefined;
    }

    reset(): void {
        this.successes = 0;
        this.failures = 0;
    }
}
