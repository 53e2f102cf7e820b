/**
 * The control plane's executables, built from the pinned Go modules under tools/ (kube, etcd, kwok,
 * crds): found in the given bin dirs, then PATH, or built by tools/ensure-toolchain.sh.
 */
import * as fs from "fs";
import * as path from "path";
import { ensureTools, isExecutable, searchDirs } from "../tools";
import { Log, defaultLog } from "./log";

export { searchDirs };

/** The processes of the control plane, in start order. */
export const COMPONENT_ORDER = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"] as const;
export type ComponentName = (typeof COMPONENT_ORDER)[number];
export const REQUIRED_BINARIES = [...COMPONENT_ORDER, "kubectl"] as const;
export type BinaryName = (typeof REQUIRED_BINARIES)[number];

/** The tools/ components this cluster needs (each a tools/<name>/build.sh). */
export const CLUSTER_TOOL_COMPONENTS = ["kube", "etcd", "kwok", "crds"];

/** Finds each required binary in binDirs, then PATH. Throws one error listing every missing one. */
export function findBinaries(binDirs?: string[]): Record<BinaryName, string> {
    const dirs = searchDirs(binDirs);
    const found: Partial<Record<BinaryName, string>> = {};
    const missing: string[] = [];
    for (const name of REQUIRED_BINARIES) {
        const hit = dirs.map((d) => path.join(d, name)).find(isExecutable);
        if (hit) found[name] = path.resolve(hit);
        else missing.push(name);
    }
    if (missing.length > 0) {
        throw new Error(
            `local cluster: binaries not found: ${missing.join(", ")} (searched ${binDirs?.length ? "binDirs, then " : ""}PATH). ` +
                `Build them with tools/ensure-toolchain.sh (or tools/{kube,etcd,kwok,crds}/build.sh OUT_DIR) and put OUT_DIR/bin on PATH.`,
        );
    }
    return found as Record<BinaryName, string>;
}

function safeRealpath(p: string): string | undefined {
    try {
        return fs.realpathSync(p);
    } catch {
        return undefined;
    }
}

/** True when dir holds at least one YAML file. */
export function hasYaml(dir: string): boolean {
    try {
        return fs.readdirSync(dir).some((f) => f.endsWith(".yaml") || f.endsWith(".yml"));
    } catch {
        return false;
    }
}

/** `<dir of the binary, or of its real file>/../share/<sub>` for each candidate binary: the first that passes `probe`. */
export function findShareDir(candidates: string[], sub: string, probe: (dir: string) => boolean): string | undefined {
    const seen = new Set<string>();
    for (const c of candidates) {
        for (const p of [c, safeRealpath(c)]) {
            if (!p) continue;
            const dir = path.join(path.dirname(p), "..", "share", sub);
            if (seen.has(dir)) continue;
            seen.add(dir);
            if (probe(dir)) return path.resolve(dir);
        }
    }
    return undefined;
}

/**
 * Returns bin dirs that hold the cluster's binaries, building them when needed:
 * if they are all found in `binDirs` or on PATH nothing is built; otherwise
 * `tools/ensure-toolchain.sh kube etcd kwok crds` builds what is missing into its hash-keyed cache
 * (progress on stderr; a cold build of tools/kube takes tens of minutes on 2 cores) and the PATH
 * fragment it prints as its last stdout line is returned (before `binDirs`).
 */
export function ensureClusterToolchain(opts: { binDirs?: string[]; log?: Log } = {}): string[] {
    const log = opts.log ?? defaultLog;
    const present = (dirs: string[]) => void findBinaries(dirs);
    try {
        present(opts.binDirs ?? []);
        return opts.binDirs ?? [];
    } catch {
        log(`building the cluster toolchain: tools/ensure-toolchain.sh ${CLUSTER_TOOL_COMPONENTS.join(" ")}`);
    }
    return ensureTools(CLUSTER_TOOL_COMPONENTS, present, opts.binDirs ?? []);
}
