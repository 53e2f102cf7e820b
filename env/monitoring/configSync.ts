/**
 * The config-sync daemon: stands in for the kubelet's Secret/ConfigMap volumes of the Prometheus
 * pod. Every `--interval-ms` it lists the Operator's Secrets and rule ConfigMaps of one Prometheus
 * object and writes them into DIR (./configFiles.ts) when they changed. prometheus-config-reloader
 * watches DIR and reloads Prometheus, exactly as in the pod.
 *
 * A process of its own, run with ts-node in transpile-only mode (no compile step, like the repo's
 * npm scripts):
 *   node -r ts-node/register/transpile-only env/monitoring/configSync.ts \
 *     --kubeconfig K --namespace NS --name NAME --dir DIR [--interval-ms 1000]
 * It never prints file contents (the config and certs may hold credentials), only names.
 */
import * as k8s from "@kubernetes/client-node";
import * as path from "path";
import { parseArgs } from "util";
import { desiredFiles, syncFiles } from "./configFiles";

export interface ConfigSyncOptions {
    kubeconfig: string;
    namespace: string;
    name: string;
    dir: string;
    intervalMs: number;
}

/** argv -> options; unknown flags and missing values are errors (node:util parseArgs). */
export function parseConfigSyncArgs(argv: string[]): ConfigSyncOptions {
    const { values } = parseArgs({
        args: argv,
        strict: true,
        options: {
            kubeconfig: { type: "string" },
            namespace: { type: "string" },
            name: { type: "string" },
            dir: { type: "string" },
            "interval-ms": { type: "string", default: "1000" },
        },
    });
    for (const k of ["kubeconfig", "namespace", "name", "dir"] as const) {
        if (!values[k]) throw new Error(`--${k} is required`);
    }
    const intervalMs = Number(values["interval-ms"]);
    if (!Number.isInteger(intervalMs) || intervalMs < 100 || intervalMs > 60_000) {
        throw new Error(`--interval-ms must be an integer from 100 to 60000, got ${JSON.stringify(values["interval-ms"])}`);
    }
    return {
        kubeconfig: values.kubeconfig!,
        namespace: values.namespace!,
        name: values.name!,
        dir: path.resolve(values.dir!),
        intervalMs,
    };
}

/** One pass: read the objects, write what changed. */
export async function syncOnce(core: k8s.CoreV1Api, o: ConfigSyncOptions): Promise<{ written: string[]; removed: string[] }> {
    const selector = `prometheus-name=${o.name}`; // the Operator labels its rule ConfigMaps so (LabelPrometheusName)
    const [secrets, configMaps] = await Promise.all([
        core.listNamespacedSecret({ namespace: o.namespace }),
        core.listNamespacedConfigMap({ namespace: o.namespace, labelSelector: selector }),
    ]);
    const files = desiredFiles(o.name, secrets.items, configMaps.items);
    // No config Secret yet (the Operator has not reconciled): keep what is there rather than
    // leaving Prometheus without a config file.
    if (!files.has("config/prometheus.yaml.gz")) return { written: [], removed: [] };
    return syncFiles(o.dir, files);
}

async function main(argv: string[]): Promise<void> {
    const o = parseConfigSyncArgs(argv);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(o.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    // Writes are temp file + rename, so stopping mid-pass leaves no half-written file.
    for (const sig of ["SIGTERM", "SIGINT"] as const) process.on(sig, () => process.exit(0));
    console.log(`config-sync: ${o.namespace}/prometheus-${o.name} -> ${o.dir} every ${o.intervalMs} ms`);
    let lastError = "";
    for (;;) {
        try {
            const r = await syncOnce(core, o);
            for (const f of r.written) console.log(`config-sync: wrote ${f}`);
            for (const f of r.removed) console.log(`config-sync: removed ${f}`);
            lastError = "";
        } catch (e) {
            const msg = (e as Error).message.split("\n")[0];
            if (msg !== lastError) console.error(`config-sync: ${msg}`); // once per distinct error, not every tick
            lastError = msg;
        }
        await new Promise((r) => setTimeout(r, o.intervalMs));
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e) => {
        console.error(`config-sync: ${(e as Error).message}`);
        process.exit(2);
    });
}
