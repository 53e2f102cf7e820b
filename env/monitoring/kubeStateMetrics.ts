/**
 * kube-state-metrics (v2.16.0, tools/kube-state-metrics) out of cluster with `--kubeconfig`,
 * exporting only what the SLO rules and the dashboard read (components/slo/vllmMetrics.ts KSM:
 * HPA spec/status/conditions, Deployment availability). It listens on a locally routed,
 * non-loopback address of the environment's network namespace, and is registered for scraping
 * like a cluster add-on (./kubeStateMetricsObjects.ts), so Prometheus finds it through the
 * Operator-generated config, never a hand-written scrape job.
 *
 *   const ksm = await startKubeStateMetrics({ kubeconfig, logDir });   // inside the namespace
 *   ...
 *   await ksm.stop();   // deletes what it registered, then stops the process by PID
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ensureTools, findExecutable } from "../tools";
import { Component } from "../component";
import { Startup, stopComponents } from "../components";
import { freePort } from "../ports";
import { ProcessRecord } from "../process";
import { StateFile } from "../stateFile";
import { MANAGED_BY } from "./adapterRegistration";
import { Kube, apply, kubeFromFile, read, remove } from "./kube";
import { KSM_NAME, KsmRegistration, ksmObjects, ksmRefs, validateKsmRegistration } from "./kubeStateMetricsObjects";
import { DEFAULT_MONITOR_SELECTOR, DEFAULT_PROMETHEUS_NAMESPACE } from "./prometheusObject";

/** In SERVICE_HOST_CIDR (env/environment.ts), next to the adapter's 10.250.0.10. */
export const DEFAULT_KSM_ADDRESS = "10.250.0.20";
/** The resources whose series the rules read (`--resources`); KSM's default would be ~30 of them. */
export const DEFAULT_KSM_RESOURCES = ["horizontalpodautoscalers", "deployments"] as const;
export const KSM_TOOL_COMPONENT = "kube-state-metrics";

export interface KubeStateMetricsOptions {
    /** Kubeconfig KSM lists and watches with, and the registration is applied with. */
    kubeconfig: string;
    /** Log in `<logDir>/kube-state-metrics.log`. */
    logDir: string;
    /** Searched for the `kube-state-metrics` executable before PATH. */
    binDirs?: string[];
    /** Listen address (both ports): IPv4, not loopback, routed to this machine. Default 10.250.0.20. */
    address?: string;
    /** Namespace of the Service, EndpointSlice and ServiceMonitor. Default `monitoring`. */
    namespace?: string;
    serviceName?: string;
    /** Labels the environment's Prometheus selects ServiceMonitors by. Default `release: kube-prom`. */
    selectorLabels?: Record<string, string>;
    /** ServiceMonitor interval, e.g. "5s"; default the Prometheus object's scrapeInterval. */
    scrapeInterval?: string;
    resources?: readonly string[];
    /** Namespaces KSM watches (`--namespaces`); default all. */
    watchNamespaces?: string[];
    /** Bound for the start-up wait. Default 60 s. */
    timeoutMs?: number;
    /** Where its process is recorded (the environment's state file); default: in memory. */
    state?: StateFile;
}

export interface KubeStateMetricsHandle {
    /** The KSM process (one; an array so the environment can record it with the others). */
    processes: ProcessRecord[];
    /** http://<address>:<port>/metrics: the object metrics. */
    metricsUrl: string;
    /** http://<address>:<port>/metrics: KSM's own metrics. */
    telemetryUrl: string;
    namespace: string;
    serviceName: string;
    /** Deletes the ServiceMonitor, EndpointSlice and Service it registered, then stops the process by PID. */
    stop(): Promise<void>;
}

/** Absolute path of kube-state-metrics in binDirs, then PATH; the error says how to build it. */
export function findKubeStateMetrics(binDirs: string[] = []): string {
    return findExecutable(KSM_NAME, binDirs, KSM_TOOL_COMPONENT);
}

/** Bin dirs holding kube-state-metrics, building it with tools/ensure-toolchain.sh when missing (progress on stderr). */
export function ensureKubeStateMetricsToolchain(binDirs: string[] = []): string[] {
    return ensureTools([KSM_TOOL_COMPONENT], (dirs) => findKubeStateMetrics(dirs), binDirs);
}

/** A free port on `address`; a clear error when the address is not bindable here (not routed to lo). */
async function freePortOn(address: string): Promise<number> {
    try {
        return await freePort(address);
    } catch (e) {
        throw new Error(
            `kube-state-metrics cannot listen on ${address} (${(e as Error).message}): ` +
                "the address must be routed to this machine, e.g. in the environment's network namespace (SERVICE_HOST_CIDR)",
        );
    }
}

/** Deletes what startKubeStateMetrics registered (only objects labelled as ours); returns what was deleted. */
export async function unregisterKubeStateMetrics(kube: Kube, names: { namespace: string; serviceName: string }): Promise<string[]> {
    const deleted: string[] = [];
    for (const ref of ksmRefs(names)) {
        const live = await read(kube, ref);
        if (live?.metadata.labels?.["app.kubernetes.io/managed-by"] !== MANAGED_BY) continue;
        if (await remove(kube, ref)) deleted.push(`${ref.kind}/${ref.metadata.name}`);
    }
    return deleted;
}

function ksmArgs(o: KubeStateMetricsOptions, address: string, ports: { metrics: number; telemetry: number }): string[] {
    const resources = o.resources ?? DEFAULT_KSM_RESOURCES;
    if (resources.length === 0) throw new Error("kube-state-metrics resources is empty");
    const args = [
        `--kubeconfig=${path.resolve(o.kubeconfig)}`,
        `--host=${address}`,
        `--port=${ports.metrics}`,
        `--telemetry-host=${address}`,
        `--telemetry-port=${ports.telemetry}`,
        `--resources=${resources.join(",")}`,
    ];
    if (o.watchNamespaces?.length) args.push(`--namespaces=${o.watchNamespaces.join(",")}`);
    return args;
}

export async function startKubeStateMetrics(opts: KubeStateMetricsOptions): Promise<KubeStateMetricsHandle> {
    const base = {
        namespace: opts.namespace ?? DEFAULT_PROMETHEUS_NAMESPACE,
        serviceName: opts.serviceName ?? KSM_NAME,
        address: opts.address ?? DEFAULT_KSM_ADDRESS,
        selectorLabels: opts.selectorLabels ?? { ...DEFAULT_MONITOR_SELECTOR.matchLabels },
        scrapeInterval: opts.scrapeInterval,
    };
    validateKsmRegistration(base); // bad input: nothing started, nothing created
    if (!fs.existsSync(opts.kubeconfig)) throw new Error(`kube-state-metrics: kubeconfig ${opts.kubeconfig} does not exist`);
    const bin = findKubeStateMetrics(opts.binDirs);
    const ports = { metrics: await freePortOn(base.address), telemetry: await freePortOn(base.address) };
    const reg: KsmRegistration = { ...base, ports };
    const args = ksmArgs(opts, base.address, ports);
    const kube = kubeFromFile(opts.kubeconfig);
    const metricsUrl = `http://${base.address}:${ports.metrics}/metrics`;
    const telemetryUrl = `http://${base.address}:${ports.telemetry}/metrics`;
    const ksm = new Component({
        name: KSM_NAME,
        command: bin,
        args,
        logFile: path.join(opts.logDir, `${KSM_NAME}.log`),
        what: `kube-state-metrics to serve ${metricsUrl}`,
        // /readyz (telemetry server) is 200 once KSM's registry gathers anything; /metrics then serves the stores.
        readiness: { all: [{ http: `http://${base.address}:${ports.telemetry}/readyz` }, { http: metricsUrl }] },
        readyTimeoutMs: opts.timeoutMs,
    });
    const state = opts.state ?? new StateFile();
    let registered = false; // a failed start must not delete the registration of another instance
    const unregister = async () => {
        if (registered) await unregisterKubeStateMetrics(kube, reg);
    };
    await new Startup(state).run(async (startup) => {
        await startup.start(ksm);
        registered = true;
        try {
            for (const obj of ksmObjects(reg)) await apply(kube, obj);
        } catch (e) {
            await unregister().catch(() => undefined);
            throw e;
        }
    });
    const proc = ksm.process;
    const stop = async () => {
        try {
            await unregister();
        } finally {
            await stopComponents(state, { only: [KSM_NAME] });
        }
    };
    return { processes: [proc], metricsUrl, telemetryUrl, namespace: reg.namespace, serviceName: reg.serviceName, stop };
}
