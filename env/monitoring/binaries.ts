/**
 * The monitoring executables, built from pinned Go modules by tools/prometheus-operator,
 * tools/prometheus and tools/prometheus-adapter (see tools/README.md).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/toolchain";

/** tools/<component> that provides each executable. */
export const MONITORING_BINARIES = {
    "prometheus-operator": "prometheus-operator",
    "prometheus-config-reloader": "prometheus-operator",
    prometheus: "prometheus",
    "prometheus-adapter": "prometheus-adapter",
} as const;

export type MonitoringBinary = keyof typeof MONITORING_BINARIES;
export const MONITORING_TOOL_COMPONENTS = [...new Set(Object.values(MONITORING_BINARIES))];

function isExecutable(p: string): boolean {
    try {
        fs.accessSync(p, fs.constants.X_OK);
        return fs.statSync(p).isFile();
    } catch {
        return false;
    }
}

/** Absolute path of `name` in binDirs, then PATH; the error says how to build it. */
export function findBinary(name: MonitoringBinary, binDirs: string[] = []): string {
    const dirs = [...binDirs, ...(process.env.PATH ?? "").split(path.delimiter).filter((d) => d !== "")];
    const hit = dirs.map((d) => path.join(d, name)).find(isExecutable);
    if (!hit) {
        throw new Error(
            `${name} not found (searched ${binDirs.length ? "binDirs, then " : ""}PATH); ` +
                `build it with tools/ensure-toolchain.sh ${MONITORING_BINARIES[name]} and pass its bin dir`,
        );
    }
    return path.resolve(hit);
}

/**
 * Bin dirs holding every monitoring executable, building what is missing with
 * tools/ensure-toolchain.sh (progress on stderr; several minutes per component when cold).
 */
export function ensureMonitoringToolchain(binDirs: string[] = []): string[] {
    const all = Object.keys(MONITORING_BINARIES) as MonitoringBinary[];
    try {
        all.forEach((b) => findBinary(b, binDirs));
        return binDirs;
    } catch {
        /* build below */
    }
    const out = execFileSync("bash", [path.join(REPO_ROOT, "tools", "ensure-toolchain.sh"), ...MONITORING_TOOL_COMPONENTS], {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "inherit"],
        encoding: "utf8",
    });
    const built = (out.trim().split("\n").pop() ?? "").split(path.delimiter).filter((d) => d !== "");
    const dirs = [...built, ...binDirs];
    all.forEach((b) => findBinary(b, dirs));
    return dirs;
}
