/**
 * Every arg name of {@link VllmServiceArgs}, so that a misspelled key from code (which TypeScript
 * lets through from `any` or a spread, and other languages never check) is an error naming the
 * closest real key instead of being silently ignored.
 */
import { VllmServiceArgs } from "./args";
import { truncate } from "./checks";

/** Typed as a record of every key: adding an arg without listing it here does not compile. */
const ARGS: Record<keyof VllmServiceArgs, true> = {
    name: true, namespace: true, createNamespace: true, labels: true,
    image: true, model: true, modelRevision: true, servedModelName: true, tensorParallelSize: true,
    pipelineParallelSize: true, maxModelLen: true, gpuMemoryUtilization: true, extraArgs: true,
    shmSizeLimit: true, cpuRequest: true, memory: true, nodeSelector: true, tolerateGpuTaint: true, startupTimeoutSeconds: true,
    canaryImage: true, canaryModelRevision: true, canaryReplicas: true,
    hfToken: true, hfTokenSecretName: true, hfTokenSecretKey: true, apiKeyEnabled: true, apiKey: true,
    networkPolicyEnabled: true, allowedNamespaces: true, allowedPodSelectors: true, monitoringNamespace: true,
    serviceMonitorEnabled: true, serviceMonitorLabels: true, scrapeInterval: true, autoscalingEnabled: true,
    replicas: true, minReplicas: true, maxReplicas: true, queueTarget: true,
    scaleUpPods: true, scaleUpPeriodSeconds: true, scaleUpStabilizationSeconds: true,
    scaleDownPods: true, scaleDownPeriodSeconds: true, scaleDownStabilizationSeconds: true,
    prometheusRuleEnabled: true, sloObjective: true, sloWindowDays: true, ttftTargetSeconds: true, tpotTargetSeconds: true,
    runbookBaseUrl: true, alertLabels: true, queueAtMaxAlertMinutes: true, metricsAbsentAlertMinutes: true, adapterConfigMapEnabled: true, adapterNamespace: true,
    grafanaDashboardEnabled: true, grafanaDashboardLabels: true, grafanaDashboardNamespace: true,
};

export const ARG_NAMES: readonly string[] = Object.keys(ARGS);

/** Levenshtein distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
    a = a.toLowerCase();
    b = b.toLowerCase();
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) {
            cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = cur;
    }
    return prev[b.length];
}

/** The known name closest to `key`, when it is close enough to be a typo (a third of its length). */
export function closestArg(key: string): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const name of ARG_NAMES) {
        const d = editDistance(key, name);
        if (d < bestDistance) {
            best = name;
            bestDistance = d;
        }
    }
    return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** One message per key of `args` that is not an arg, with a suggestion when one is close. */
export function unknownArgProblems(args: object): string[] {
    return Object.keys(args)
        .filter((key) => !Object.prototype.hasOwnProperty.call(ARGS, key))
        .map((key) => {
            // No arg name is near a long key, and the distance costs its length times theirs.
            const near = key.length <= 64 ? closestArg(key) : undefined;
            return `${truncate(key)}: is not a VllmService arg${near ? `; did you mean ${near}?` : ""}`;
        });
}
