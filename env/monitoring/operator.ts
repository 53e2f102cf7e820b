/**
 * prometheus-operator (v0.93.1, tools/prometheus-operator) out of cluster. It has no --kubeconfig
 * flag: client-go's default loading rules read KUBECONFIG (pkg/k8s/k8s.go). It needs the
 * `prometheuses` CRD (startCluster({ crds: "all" })), else no controller starts and it exits.
 */
import * as path from "path";
import { ProcessRecord, freePort, startProcess, stopProcess, waitUntil } from "../process";
import { findBinary } from "./binaries";

export interface OperatorOptions {
    /** Admin kubeconfig of the local cluster. */
    kubeconfig: string;
    /** Log goes to `<stateDir>/logs/prometheus-operator.log`. */
    stateDir: string;
    binDirs?: string[];
    /** Namespaces it may act in (`--namespaces`); default all. */
    namespaces?: string[];
    /** Bound for the start-up wait. Default 60 s. */
    timeoutMs?: number;
}

export interface OperatorHandle {
    process: ProcessRecord;
    /** http://127.0.0.1:<port>, serving /metrics and /healthz. */
    url: string;
    stop(): Promise<void>;
}

/** `prometheus_operator_ready{controller="prometheus"} 1`: its caches synced and it reconciles Prometheus objects. */
export function prometheusControllerReady(metricsText: string): boolean {
    return metricsText
        .split("\n")
        .some((l) => /^prometheus_operator_ready\{[^}]*controller="prometheus"[^}]*\}\s+1(\s|$)/.test(l));
}

export async function startOperator(opts: OperatorOptions): Promise<OperatorHandle> {
    const bin = findBinary("prometheus-operator", opts.binDirs);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const args = [`--web.listen-address=127.0.0.1:${port}`, "--log-level=info"];
    if (opts.namespaces?.length) args.push(`--namespaces=${opts.namespaces.join(",")}`);
    const proc = startProcess({
        name: "prometheus-operator",
        command: bin,
        args,
        env: { ...process.env, KUBECONFIG: opts.kubeconfig },
        logFile: path.join(opts.stateDir, "logs", "prometheus-operator.log"),
    });
    const stop = async () => {
        await stopProcess(proc);
    };
    try {
        await waitUntil(
            `prometheus-operator's Prometheus controller to be ready (${url}/metrics)`,
            async () => {
                const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) });
                return res.ok && prometheusControllerReady(await res.text());
            },
            { timeoutMs: opts.timeoutMs ?? 60_000, intervalMs: 300, process: proc },
        );
    } catch (e) {
        await stop();
        throw e;
    }
    return { process: proc, url, stop };
}
