import * as pulumi from "@pulumi/pulumi";
import { MIN_MULTI_GPU_SHM, parseQuantity } from "@vllm-pulumi/kube-parser";
import { VllmServiceArgs } from "./args";
import { ARG_NAMES, unknownArgProblems } from "./argNames";
import { INT32_MAX, Problems, shown, truncate } from "./checks";
import { DEFAULTS } from "./defaults";
import { extraArgsProblems } from "./extraArgs";
import { lengthProblems } from "./lengthCaps";
import { AWAIT_MARGIN_SECONDS } from "./manifests/metadata";
import { checkCanary } from "./canary";
import { checkPinnedImage, checkPinnedRevision } from "./pins";
import { VllmModel } from "./model";
import { plainSecretProblems } from "./secretInputs";
import { resolveSlo } from "./slo/settings";

/**
 * Thrown by {@link validateArgs}: every problem found, each naming its arg/config key. A RunError,
 * so the Pulumi engine prints the message alone, without a stack trace (also when the secret gate
 * throws it after the program returned).
 */
export class VllmServiceArgsError extends pulumi.RunError {
    constructor(readonly resourceName: string, readonly problems: string[]) {
        super(`invalid VllmService ${shown(resourceName)} (fix these stack config keys):\n` + problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "VllmServiceArgsError";
    }
}

/** Namespaces the cluster owns: a stack that created (and on destroy deleted) one would break the cluster. */
export const RESERVED_NAMESPACES: readonly string[] = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** The args with every default applied (values still unchecked). */
type Defaulted = typeof DEFAULTS & VllmServiceArgs;

/**
 * Applies the defaults and checks every arg, pure and synchronous, so a bad stack fails at
 * `pulumi preview` before anything is created. Throws {@link VllmServiceArgsError} listing all problems.
 */
export function validateArgs(resourceName: string, args: VllmServiceArgs): VllmModel {
    if (typeof args !== "object" || args === null || Array.isArray(args)) {
        const got = args === null ? "null" : Array.isArray(args) ? "a list" : typeof args;
        throw new VllmServiceArgsError(resourceName, [`args: VllmService needs an args object with at least model and modelRevision, got ${got}`]);
    }
    const p = new Problems();
    p.list.push(...unknownArgProblems(args));
    // Lengths first: no pattern below ever sees an oversized string, and its key reports nothing else.
    const tooLong = lengthProblems(Object.fromEntries(Object.entries(args).filter(([k]) => ARG_NAMES.includes(k))));
    const checked = Object.fromEntries(Object.entries(args).filter(([k]) => !tooLong.has(k))) as VllmServiceArgs;
    const a = { ...DEFAULTS, ...definedOnly(checked) } as Defaulted;

    const name = p.dns1035("name", a.name === undefined ? resourceName : a.name);
    const namespace = p.dns1123("namespace", a.namespace);
    const userLabels = p.labels("labels", a.labels);
    if (p.boolean("createNamespace", a.createNamespace) === true && RESERVED_NAMESPACES.includes(namespace)) {
        p.add("createNamespace", `is true for namespace "${namespace}", which the cluster owns (the stack would delete it on destroy); set createNamespace to false`);
    }
    const gpus = checkEngine(p, a);
    checkPod(p, a, gpus);
    const canary = checkCanary(p, a, checked);
    checkSecrets(p, a);
    const network = checkNetwork(p, a);
    checkAutoscaling(p, a);
    const monitorLabels = p.labels("serviceMonitorLabels", a.serviceMonitorLabels);
    p.boolean("serviceMonitorEnabled", a.serviceMonitorEnabled);
    p.duration("scrapeInterval", a.scrapeInterval);
    const slo = resolveSlo(checked, p.list);

    if (p.list.length > 0 || tooLong.size > 0) {
        const others = p.list.filter((problem) => ![...tooLong.keys()].some((key) => problem.startsWith(`${truncate(key)}:`)));
        throw new VllmServiceArgsError(resourceName, [...tooLong.values(), ...others]);
    }

    const selector = { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": name };
    return {
        name,
        namespace,
        createNamespace: a.createNamespace,
        labels: { ...userLabels, ...selector, "app.kubernetes.io/component": "inference-server", "app.kubernetes.io/managed-by": "pulumi" },
        selector,
        image: a.image,
        model: a.model,
        modelRevision: a.modelRevision,
        servedModelName: a.servedModelName,
        tensorParallelSize: a.tensorParallelSize,
        pipelineParallelSize: a.pipelineParallelSize,
        gpus,
        maxModelLen: a.maxModelLen,
        gpuMemoryUtilization: a.gpuMemoryUtilization,
        extraArgs: a.extraArgs,
        shmSizeLimit: a.shmSizeLimit,
        cpuRequest: a.cpuRequest,
        memory: a.memory,
        nodeSelector: a.nodeSelector,
        tolerateGpuTaint: a.tolerateGpuTaint,
        startupTimeoutSeconds: a.startupTimeoutSeconds,
        canary: canary && { ...canary, modelRevision: canary.modelRevision ?? a.modelRevision, name: `${name}-canary` },
        hfToken: a.hfToken,
        hfTokenSecretName: a.hfTokenSecretName ?? (a.hfToken !== undefined ? `${name}-hf-token` : undefined),
        hfTokenSecretKey: a.hfTokenSecretKey,
        apiKeySecretName: a.apiKeyEnabled ? `${name}-api-key` : undefined,
        apiKey: a.apiKey,
        networkPolicy: network,
        serviceMonitor: a.serviceMonitorEnabled ? { labels: monitorLabels, interval: a.scrapeInterval } : undefined,
        replicas: a.autoscalingEnabled ? undefined : a.replicas,
        autoscaling: a.autoscalingEnabled
            ? {
                minReplicas: a.minReplicas,
                maxReplicas: a.maxReplicas,
                queueTarget: a.queueTarget,
                scaleUp: { pods: a.scaleUpPods, periodSeconds: a.scaleUpPeriodSeconds, stabilizationSeconds: a.scaleUpStabilizationSeconds },
                scaleDown: { pods: a.scaleDownPods, periodSeconds: a.scaleDownPeriodSeconds, stabilizationSeconds: a.scaleDownStabilizationSeconds },
            }
            : undefined,
        slo,
    };
}

/** Image, model and vLLM flags. Returns the GPUs per pod (TP x PP). */
function checkEngine(p: Problems, a: Defaulted): number {
    checkPinnedImage(p, "image", a.image);
    p.string("model", a.model, /^\S+$/, "a model id or path without whitespace");
    checkPinnedRevision(p, "modelRevision", a.modelRevision);
    p.string("servedModelName", a.servedModelName, /^[A-Za-z0-9][A-Za-z0-9._:\/-]{0,127}$/,
        "a valid name (letters, digits and . _ : / -, starting with a letter or digit, at most 128 characters)");
    const tp = p.integer("tensorParallelSize", a.tensorParallelSize, 1);
    const pp = p.integer("pipelineParallelSize", a.pipelineParallelSize, 1);
    p.integer("maxModelLen", a.maxModelLen, 1);
    const gmu = a.gpuMemoryUtilization;
    if (typeof gmu !== "number" || !(gmu > 0 && gmu <= 1)) {
        p.add("gpuMemoryUtilization", `must be a fraction in (0, 1], got ${shown(gmu)}`);
    }
    for (const problem of extraArgsProblems(p.strings("extraArgs", a.extraArgs))) {
        p.add("extraArgs", problem);
    }
    const gpus = tp * pp;
    const inRange = (n: number) => Number.isInteger(n) && n <= INT32_MAX;
    if (inRange(tp) && inRange(pp) && gpus > INT32_MAX) {
        p.add("pipelineParallelSize", `tensorParallelSize x pipelineParallelSize = ${gpus} GPUs per pod is beyond any node`);
    }
    return gpus;
}

/** Pod resources, placement and the startup budget. */
function checkPod(p: Problems, a: Defaulted, gpus: number): void {
    p.quantity("shmSizeLimit", a.shmSizeLimit);
    const shm = typeof a.shmSizeLimit === "string" ? parseQuantity(a.shmSizeLimit) : undefined;
    if (gpus > 1 && shm !== undefined && shm < parseQuantity(MIN_MULTI_GPU_SHM)!) {
        p.add("shmSizeLimit", `${a.shmSizeLimit} is too small for ${gpus} GPU workers (NCCL/IPC between shards); use at least ${MIN_MULTI_GPU_SHM}`);
    }
    p.quantity("cpuRequest", a.cpuRequest);
    p.quantity("memory", a.memory);
    p.labels("nodeSelector", a.nodeSelector);
    p.boolean("tolerateGpuTaint", a.tolerateGpuTaint);
    // It also sets progressDeadlineSeconds (int32) to itself plus the await margin.
    p.integer("startupTimeoutSeconds", a.startupTimeoutSeconds, 30, INT32_MAX - AWAIT_MARGIN_SECONDS,
        `the Deployment's progressDeadlineSeconds, startupTimeoutSeconds + ${AWAIT_MARGIN_SECONDS}, is int32`);
}

/** The token and API key: where they come from, and plain values that are blank. */
function checkSecrets(p: Problems, a: Defaulted): void {
    if (a.hfToken !== undefined && a.hfTokenSecretName !== undefined) {
        p.add("hfTokenSecretName", "set either hfToken (the stack creates the Secret) or hfTokenSecretName (an existing Secret), not both");
    }
    if (a.hfTokenSecretName !== undefined) {
        p.subdomain("hfTokenSecretName", a.hfTokenSecretName);
    }
    p.dataKey("hfTokenSecretKey", a.hfTokenSecretKey);
    p.boolean("apiKeyEnabled", a.apiKeyEnabled);
    if (a.apiKey !== undefined && !a.apiKeyEnabled) {
        p.add("apiKey", "is set but apiKeyEnabled is false; remove one of them");
    }
    p.list.push(...plainSecretProblems({ apiKey: a.apiKey, hfToken: a.hfToken }));
}

/** Who may reach port 8000. Undefined when the NetworkPolicy is off. */
function checkNetwork(p: Problems, a: Defaulted): VllmModel["networkPolicy"] {
    const enabled = p.boolean("networkPolicyEnabled", a.networkPolicyEnabled);
    const namespaces = p.namespaces("allowedNamespaces", a.allowedNamespaces);
    const podSelectors = p.selectors("allowedPodSelectors", a.allowedPodSelectors);
    const monitoring = p.dns1123("monitoringNamespace", a.monitoringNamespace);
    return enabled ? { namespaces: [...new Set([...namespaces, monitoring])], podSelectors } : undefined;
}

/** Replicas and the HPA, within the API server's own bounds for HPA behavior. */
function checkAutoscaling(p: Problems, a: Defaulted): void {
    p.boolean("autoscalingEnabled", a.autoscalingEnabled);
    p.integer("replicas", a.replicas, 0);
    const min = p.integer("minReplicas", a.minReplicas, 1);
    const max = p.integer("maxReplicas", a.maxReplicas, 1);
    if (Number.isInteger(min) && Number.isInteger(max) && min > max) {
        p.add("maxReplicas", `must be >= minReplicas (${min}), got ${max}`);
    }
    p.positive("queueTarget", a.queueTarget);
    p.integer("scaleUpPods", a.scaleUpPods, 1);
    p.integer("scaleDownPods", a.scaleDownPods, 1);
    p.integer("scaleUpPeriodSeconds", a.scaleUpPeriodSeconds, 1, 1800, "the API server's limit for an HPA policy period");
    p.integer("scaleDownPeriodSeconds", a.scaleDownPeriodSeconds, 1, 1800, "the API server's limit for an HPA policy period");
    p.integer("scaleUpStabilizationSeconds", a.scaleUpStabilizationSeconds, 0, 3600, "the API server's limit for a stabilization window");
    p.integer("scaleDownStabilizationSeconds", a.scaleDownStabilizationSeconds, 0, 3600, "the API server's limit for a stabilization window");
}

/** Drops keys set to undefined or null (unset, as the SLO settings read them) so they do not overwrite defaults. */
function definedOnly<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
