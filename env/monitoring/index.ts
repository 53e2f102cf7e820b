/**
 * Monitoring for the local environment, from pinned Go modules: prometheus-operator reconciling a
 * `Prometheus` object, the real Prometheus running the Operator's config (./prometheus.ts), and
 * prometheus-adapter serving custom.metrics.k8s.io (./adapter.ts). Every process is a Component
 * (../component.ts) recorded in the given state file (the environment's; in memory by default) and
 * rolled back in reverse if a later one fails. Call from inside the environment's network
 * namespace: everything listens on 127.0.0.1 except the adapter (a locally routed address).
 *
 *   const mon = await startMonitoring({ cluster, stateDir });
 *   const adapter = await startAdapter({ cluster, stateDir, prometheusUrl: mon.prometheusUrl, rulesYaml, address });
 *   ...
 *   await adapter.stop(); await mon.stop();
 */
import { Startup, stopComponents } from "../components";
import { ProcessRecord } from "../process";
import { StateFile } from "../stateFile";
import { LocalCluster } from "./cluster";
import { OperatorHandle, operatorComponent } from "./operator";
import { PrometheusHandle, PrometheusOptions, startPrometheus } from "./prometheus";
import { Sample } from "./promApi";

export { AdapterHandle, AdapterOptions, startAdapter, unregisterAdapter, validateRulesYaml } from "./adapter";
export { ensureMonitoringToolchain, MONITORING_TOOL_COMPONENTS } from "./binaries";
export { LocalCluster, clusterPki } from "./cluster";
export { kubeFromFile } from "./kube";
export { activeTargets, query, ruleGroups, Sample, Target } from "./promApi";
export { DEFAULT_MONITOR_SELECTOR, LabelSelector, PROMETHEUS_VERSION } from "./prometheusObject";

export type MonitoringOptions = Omit<PrometheusOptions, "cluster"> & {
    cluster: LocalCluster;
    /** Namespaces prometheus-operator acts in; default all. */
    operatorNamespaces?: string[];
};

export interface Monitoring {
    /** http://127.0.0.1:<port> of the real Prometheus. */
    prometheusUrl: string;
    /** prometheus-operator, config-sync, prometheus-config-reloader, prometheus. */
    processes: ProcessRecord[];
    operator: OperatorHandle;
    prometheus: PrometheusHandle;
    query(promql: string): Promise<Sample[]>;
    /** Wall time from the call to Prometheus running the Operator's config, in ms. */
    startMs: number;
    /** Stops Prometheus' processes, then the operator (by PID). */
    stop(): Promise<void>;
}

export async function startMonitoring(opts: MonitoringOptions): Promise<Monitoring> {
    const t0 = Date.now();
    const state = opts.state ?? new StateFile();
    const { component: operatorProcess, url } = await operatorComponent({
        kubeconfig: opts.cluster.kubeconfig,
        stateDir: opts.stateDir,
        binDirs: opts.binDirs,
        namespaces: opts.operatorNamespaces,
        timeoutMs: opts.timeoutMs,
    });
    // The operator first (Prometheus runs the config it writes); a failure stops both, in reverse.
    const prometheus = await new Startup(state).run(async (startup) => {
        await startup.start(operatorProcess);
        return startPrometheus({ ...opts, state });
    });
    const operator: OperatorHandle = {
        process: operatorProcess.process,
        url,
        stop: async () => void (await stopComponents(state, { only: [operatorProcess.name] })),
    };
    return {
        prometheusUrl: prometheus.url,
        processes: [operator.process, ...prometheus.processes],
        operator,
        prometheus,
        query: (promql) => prometheus.query(promql),
        startMs: Date.now() - t0,
        stop: async () => {
            await prometheus.stop();
            await operator.stop();
        },
    };
}
