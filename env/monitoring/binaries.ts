/**
 * The monitoring executables, built from pinned Go modules by tools/prometheus-operator,
 * tools/prometheus, tools/prometheus-adapter and tools/kube-state-metrics (see tools/README.md).
 */
import { ensureTools, findExecutable } from "../tools";

/** tools/<component> that provides each executable. */
export const MONITORING_BINARIES = {
    "prometheus-operator": "prometheus-operator",
    "prometheus-config-reloader": "prometheus-operator",
    prometheus: "prometheus",
    "prometheus-adapter": "prometheus-adapter",
    "kube-state-metrics": "kube-state-metrics",
} as const;

export type MonitoringBinary = keyof typeof MONITORING_BINARIES;
export const MONITORING_TOOL_COMPONENTS = [...new Set(Object.values(MONITORING_BINARIES))];

/** Absolute path of `name` in binDirs, then PATH; the error says how to build it. */
export function findBinary(name: MonitoringBinary, binDirs: string[] = []): string {
    return findExecutable(name, binDirs, MONITORING_BINARIES[name]);
}

/**
 * Bin dirs holding every monitoring executable, building what is missing with
 * tools/ensure-toolchain.sh (progress on stderr; several minutes per component when cold).
 */
export function ensureMonitoringToolchain(binDirs: string[] = []): string[] {
    const all = Object.keys(MONITORING_BINARIES) as MonitoringBinary[];
    return ensureTools(MONITORING_TOOL_COMPONENTS, (dirs) => all.forEach((b) => findBinary(b, dirs)), binDirs);
}
