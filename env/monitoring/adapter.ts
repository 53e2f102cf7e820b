/**
 * prometheus-adapter (v0.12.0, tools/prometheus-adapter) out of cluster, serving
 * custom.metrics.k8s.io through the API server's aggregation layer (./adapterRegistration.ts).
 * Its rules are a config file whose text the caller passes verbatim (the stack's `adapterRules`).
 *
 * A rules change starts a second adapter with the new file on a new port, waits until it serves,
 * moves the EndpointSlice to it and only then stops the old one: the adapter's own strict parser
 * judges the new rules, and a bad file leaves the running adapter and its registration unchanged.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { AdapterTiming, adapterTimingFlags } from "@vllm-pulumi/kube-parser";
import { Component } from "../component";
import { Startup } from "../components";
import { freePort } from "../ports";
import { ProcessRecord, waitUntil } from "../process";
import { StateFile } from "../stateFile";
import {
    MANAGED_BY,
    RegistrationOptions,
    adapterEndpointSlice,
    apiServices,
    registrationObjects,
    registrationRefs,
    validateAdapterAddress,
} from "./adapterRegistration";
import { findBinary } from "./binaries";
import { Kube, KubeObjectWithStatus, apply, conditionOf, getRaw, kubeFromFile, read, remove } from "./kube";
import { LocalCluster, clusterPki } from "./cluster";
import { DEFAULT_PROMETHEUS_NAMESPACE } from "./prometheusObject";
import { ServingCert, issueServingCert } from "./servingCert";

export interface AdapterOptions {
    cluster: LocalCluster;
    /** Logs in `<stateDir>/logs/prometheus-adapter.log`; certificate and rule files in `<stateDir>/adapter/`. */
    stateDir: string;
    prometheusUrl: string;
    /** The adapter's config file content, verbatim (e.g. the VllmService's `adapterRules`). */
    rulesYaml: string;
    /** Where it listens: IPv4, not loopback, routed to this machine (EndpointSlices reject loopback). */
    address: string;
    namespace?: string;
    serviceName?: string;
    /**
     * `--metrics-relist-interval` and `--metrics-max-age`. Required: both must cover the scrape
     * interval of the series (a stack's `adapterSettings` output gives them), or the series list is
     * often empty and the HPA gets no value; there is no safe default without knowing the scrape.
     */
    timing: AdapterTiming;
    binDirs?: string[];
    /** Bound for each wait. Default 60 s. */
    timeoutMs?: number;
    /** Where its process is recorded (the environment's state file); default: in memory. */
    state?: StateFile;
}

export interface AdapterHandle {
    address: string;
    /** The port of the adapter currently registered (changes with updateRules). */
    readonly port: number;
    readonly process: ProcessRecord;
    /** Replaces the rules; throws and changes nothing if the adapter does not start with them. */
    updateRules(rulesYaml: string): Promise<void>;
    /** Deletes the APIServices, EndpointSlice and Service it registered, then stops the process. */
    stop(): Promise<void>;
}

interface Instance {
    component: Component;
    process: ProcessRecord;
    port: number;
    configFile: string;
}

/** Cheap checks with a clear message; the adapter's strict parser is the real judge (at start). */
export function validateRulesYaml(text: string): void {
    let doc: unknown;
    try {
        doc = YAML.parse(text);
    } catch (e) {
        throw new Error(`adapter rules are not valid YAML: ${(e as Error).message}`);
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new Error("adapter rules must be a YAML mapping (rules:, externalRules:, resourceRules:)");
    const known = ["rules", "externalRules", "resourceRules"];
    const unknown = Object.keys(doc).filter((k) => !known.includes(k));
    if (unknown.length > 0) throw new Error(`adapter rules: unknown top-level keys ${unknown.join(", ")} (known: ${known.join(", ")})`);
}

interface Ctx {
    opts: AdapterOptions;
    bin: string;
    cert: ServingCert;
    caPem: string;
    caFile: string;
    state: StateFile;
    dir: string;
    timeoutMs: number;
}

/** Starts one adapter process with `rulesYaml` and waits until it serves /readyz over TLS. */
async function launch(ctx: Ctx, rulesYaml: string, generation: number): Promise<Instance> {
    const o = ctx.opts;
    const port = await freePort(o.address);
    const configFile = path.join(ctx.dir, `rules-${generation}.yaml`);
    fs.writeFileSync(configFile, rulesYaml);
    const kc = o.cluster.kubeconfig;
    const url = `https://${o.address}:${port}/readyz`;
    const component = new Component({
        name: "prometheus-adapter",
        command: ctx.bin,
        args: [
            `--prometheus-url=${o.prometheusUrl.replace(/\/?$/, "/")}`,
            `--config=${configFile}`,
            ...adapterTimingFlags(o.timing),
            // Out of cluster there is no in-cluster config: all three clients from the kubeconfig.
            `--lister-kubeconfig=${kc}`,
            `--authentication-kubeconfig=${kc}`,
            `--authorization-kubeconfig=${kc}`,
            `--bind-address=${o.address}`,
            `--secure-port=${port}`,
            `--tls-cert-file=${ctx.cert.crt}`,
            `--tls-private-key-file=${ctx.cert.key}`,
            `--cert-dir=${ctx.dir}`,
        ],
        logFile: path.join(o.stateDir, "logs", "prometheus-adapter.log"),
        what: `prometheus-adapter ${url}`,
        // /readyz is always authorized (k8s.io/apiserver alwaysAllowPaths); the TLS check uses our CA.
        readiness: { http: url, ca: ctx.caFile },
        readyTimeoutMs: ctx.timeoutMs,
    });
    try {
        await new Startup(ctx.state).run((s) => s.start(component));
    } catch (e) {
        fs.rmSync(configFile, { force: true });
        throw e;
    }
    return { component, process: component.process, port, configFile };
}

/** Stops one adapter process and forgets its record. */
async function retire(ctx: Ctx, i: Instance): Promise<void> {
    await i.component.stop();
    ctx.state.remove(i.process.pid);
}

/** Both APIServices Available and both versions answering through the API server. */
async function waitAvailable(kube: Kube, reg: RegistrationOptions, timeoutMs: number, proc: ProcessRecord): Promise<void> {
    for (const svc of apiServices(reg)) {
        const name = svc.metadata.name;
        await waitUntil(
            `APIService ${name} Available`,
            async () => {
                const live = await read<KubeObjectWithStatus>(kube, svc);
                const c = conditionOf(live, "Available");
                if (c?.status !== "True") throw new Error(`Available=${c?.status ?? "unset"} ${c?.reason ?? ""}: ${c?.message ?? ""}`);
                const version = name.split(".")[0];
                return (await getRaw(kube, `/apis/custom.metrics.k8s.io/${version}`)).status === 200;
            },
            { timeoutMs, intervalMs: 500, process: proc },
        );
    }
}

export async function startAdapter(opts: AdapterOptions): Promise<AdapterHandle> {
    validateAdapterAddress(opts.address);
    validateRulesYaml(opts.rulesYaml);
    const namespace = opts.namespace ?? DEFAULT_PROMETHEUS_NAMESPACE;
    const serviceName = opts.serviceName ?? "prometheus-adapter";
    const pki = clusterPki(opts.cluster.stateDir);
    const dir = path.join(opts.stateDir, "adapter");
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const cert = issueServingCert({
        pki,
        dir,
        name: "serving",
        dnsNames: [`${serviceName}.${namespace}.svc`, `${serviceName}.${namespace}.svc.cluster.local`],
        ips: [opts.address],
    });
    const ctx: Ctx = {
        opts,
        bin: findBinary("prometheus-adapter", opts.binDirs),
        cert,
        caPem: fs.readFileSync(pki.caCrt, "utf8"),
        caFile: pki.caCrt,
        state: opts.state ?? new StateFile(),
        dir,
        timeoutMs: opts.timeoutMs ?? 60_000,
    };
    const kube = kubeFromFile(opts.cluster.kubeconfig);
    let generation = 0;
    let current = await launch(ctx, opts.rulesYaml, generation);
    const reg = (port: number): RegistrationOptions => ({ namespace, serviceName, address: opts.address, port, caPem: ctx.caPem });
    const unregister = () => unregisterAdapter(kube, { namespace, serviceName });
    try {
        for (const obj of registrationObjects(reg(current.port))) await apply(kube, obj);
        await waitAvailable(kube, reg(current.port), ctx.timeoutMs, current.process);
    } catch (e) {
        await unregister().catch(() => undefined);
        await retire(ctx, current);
        throw e;
    }
    return {
        address: opts.address,
        get port() {
            return current.port;
        },
        get process() {
            return current.process;
        },
        async updateRules(rulesYaml: string) {
            validateRulesYaml(rulesYaml);
            const next = await launch(ctx, rulesYaml, ++generation); // throws, old one untouched
            await apply(kube, adapterEndpointSlice(reg(next.port)));
            const old = current;
            current = next;
            await retire(ctx, old);
            fs.rmSync(old.configFile, { force: true });
            await waitAvailable(kube, reg(current.port), ctx.timeoutMs, current.process);
        },
        async stop() {
            // The process is stopped even when the API server cannot be reached to unregister.
            try {
                await unregister();
            } finally {
                await retire(ctx, current);
            }
        },
    };
}

/**
 * Deletes the APIServices first (an APIService whose backend is gone makes discovery fail for
 * every client), then the EndpointSlice and the Service; only objects labelled as ours. The
 * namespace stays. Usable from another process (e.g. `down`) with the same names.
 */
export async function unregisterAdapter(kube: Kube, names: Pick<RegistrationOptions, "namespace" | "serviceName">): Promise<string[]> {
    const deleted: string[] = [];
    for (const ref of registrationRefs(names)) {
        const live = await read(kube, ref);
        if (live?.metadata.labels?.["app.kubernetes.io/managed-by"] !== MANAGED_BY) continue;
        if (await remove(kube, ref)) deleted.push(`${ref.kind}/${ref.metadata.name}`);
    }
    return deleted;
}
