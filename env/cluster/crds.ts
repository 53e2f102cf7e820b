/**
 * The CustomResourceDefinitions installed in the cluster: the Prometheus Operator's, built by
 * tools/crds into `<bin>/../share/crds`, one file per CRD named `<group>_<plural>.yaml`.
 */
import * as fs from "fs";
import * as path from "path";
import { findShareDir, hasYaml, searchDirs } from "./binaries";
import { Kubectl } from "./kubectl";

/**
 * The Prometheus Operator CRDs applied by default: the ones an application ships to be monitored
 * (ServiceMonitor, PodMonitor, Probe, PrometheusRule). The operator's own workload CRDs
 * (Prometheus, Alertmanager, ThanosRuler, PrometheusAgent, ScrapeConfig, AlertmanagerConfig) are
 * ~1.4 MB of schemas that take the API server 10-20 s to install on 2 cores; ask for them with
 * `crds: "all"` (CLI `--all-crds`, env VLLM_CLUSTER_CRDS=all).
 */
export const DEFAULT_CRDS = ["servicemonitors", "podmonitors", "probes", "prometheusrules"];

/** What to apply: `crds` when given, else env VLLM_CLUSTER_CRDS ("all" or plurals, comma-separated), else DEFAULT_CRDS. */
export function wantedCrds(crds?: "all" | string[]): "all" | string[] {
    if (crds) return crds;
    const env = process.env.VLLM_CLUSTER_CRDS;
    if (!env) return DEFAULT_CRDS;
    if (env === "all") return "all";
    return env
        .split(",")
        .map((x) => x.trim())
        .filter((x) => x !== "");
}

/** The CRD files of crdDir to apply (see StartOptions.crds). Throws if a requested one is missing. */
export function selectCrdFiles(crdDir: string, crds?: "all" | string[]): string[] {
    const want = wantedCrds(crds);
    const files = fs
        .readdirSync(crdDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort();
    if (want === "all") return files.map((f) => path.join(crdDir, f));
    const picked: string[] = [];
    const missing: string[] = [];
    for (const plural of want) {
        const f = files.find((x) => x.replace(/\.ya?ml$/, "").endsWith(`_${plural}`));
        if (f) picked.push(path.join(crdDir, f));
        else missing.push(plural);
    }
    if (missing.length > 0) throw new Error(`local cluster: no CRD file for ${missing.join(", ")} in ${crdDir}`);
    return picked;
}

/**
 * Where the CRD manifests are: `crdDir`, else env VLLM_CLUSTER_CRD_DIR, else
 * `$VLLM_PULUMI_TOOL_CRDS/share/crds`, else `../share/crds` next to controller-gen in a bin dir or
 * next to kubectl. Undefined when none holds YAML.
 */
export function findCrdDir(crdDir: string | undefined, binDirs: string[] | undefined, kubectl: string): string | undefined {
    const toolCrds = process.env.VLLM_PULUMI_TOOL_CRDS;
    const fromTool = toolCrds && hasYaml(path.join(toolCrds, "share", "crds")) ? path.join(toolCrds, "share", "crds") : undefined;
    return (
        crdDir ??
        process.env.VLLM_CLUSTER_CRD_DIR ??
        fromTool ??
        findShareDir([...searchDirs(binDirs).map((d) => path.join(d, "controller-gen")), kubectl], "crds", hasYaml)
    );
}

/** Server-side apply of the files (the API server installs large schemas; field manager "local-cluster"). */
export async function applyCrds(kubectl: Kubectl, files: string[]): Promise<void> {
    await kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager=local-cluster", ...files.flatMap((f) => ["-f", f])]);
}

/** Waits, bounded, until every CRD of the files is Established (served). */
export async function waitEstablished(kubectl: Kubectl, files: string[], timeoutMs: number): Promise<void> {
    const fileArgs = files.flatMap((f) => ["-f", f]);
    await kubectl(["wait", "--for=condition=Established", `--timeout=${Math.round(timeoutMs / 1000)}s`, ...fileArgs]);
}
