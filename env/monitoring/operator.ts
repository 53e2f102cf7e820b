/**
 * prometheus-operator (v0.93.1, tools/prometheus-operator) out of cluster. It has no --kubeconfig
 * flag: client-go's default loading rules read KUBECONFIG (pkg/k8s/k8s.go). It needs the
 * `prometheuses` CRD (startCluster({ crds: "all" })), else no controller starts and it exits.
 */
import * as path from "path";
import { Component } from "../component";
import { Startup } from "../components";
import { freePort } from "../ports";
import { ProcessRecord } from "../process";
import { StateFile } from "../stateFile";
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
    /** Where its process is recorded (the environment's state file); default: in memory. */
    state?: StateFile;
}

export interface OperatorHandle {
    process: ProcessRecord;
    /** http://127.0.0.1:<port>, serving /metrics and /healthz. */
    url: string;
    stop(): Promise<void>;
}

/** `prometheus_operator_ready{controller="prometheus"} 1`: its caches synced and it reconciles Prometheus objects. */
export const PROMETHEUS_CONTROLLER_READY = String.raw`^prometheus_operator_ready\{[^}]*controller="prometheus"[^}]*\}\s+1(\s|$)`;

export function prometheusControllerReady(metricsText: string): boolean {
    return new RegExp(PROMETHEUS_CONTROLLER_READY, "m").test(metricsText);
}

/** The operator as a component: ready once its Prometheus controller reconciles. */
export async function operatorComponent(opts: OperatorOptions): Promise<{ component: Component; url: string }> {
    const bin = findBinary("prometheus-operator", opts.binDirs);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const args = [`--web.listen-address=127.0.0.1:${port}`, "--log-level=info"];
    if (opts.namespaces?.length) args.push(`--namespaces=${opts.namespaces.join(",")}`);
    const component = new Component({
        name: "prometheus-operator",
        command: bin,
        args,
        extraEnv: { KUBECONFIG: opts.kubeconfig },
        logFile: path.join(opts.stateDir, "logs", "prometheus-operator.log"),
        what: `prometheus-operator's Prometheus controller to be ready (${url}/metrics)`,
        readiness: { http: `${url}/metrics`, bodyMatches: PROMETHEUS_CONTROLLER_READY },
        readyTimeoutMs: opts.timeoutMs,
    });
    return { component, url };
}

export async function startOperator(opts: OperatorOptions): Promise<OperatorHandle> {
    const { component, url } = await operatorComponent(opts);
    const state = opts.state ?? new StateFile();
    await new Startup(state).run((s) => s.start(component));
    return {
        process: component.process,
        url,
        stop: async () => {
            await component.stop();
            state.remove(component.process.pid);
        },
    };
}
