import { VllmServiceArgs } from "./args";
import { Problems } from "./checks";
import { DEFAULTS } from "./defaults";
import { imagePinProblem, MIN_MULTI_GPU_SHM, parallelismFlagsIn, parseQuantity } from "@vllm-pulumi/kube-parser";
import { VllmModel } from "./model";
import { resolveSlo } from "./slo/settings";

/** Thrown by {@link validateArgs}: every problem found, each naming its arg/config key. */
export class VllmServiceArgsError extends Error {
    constructor(readonly resourceName: string, readonly problems: string[]) {
        super(`invalid VllmService "${resourceName}" (fix these stack config keys):\n` + problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "VllmServiceArgsError";
    }
}

/** Revisions that move when someone pushes to the model repo. */
const FLOATING_REVISIONS = ["main", "master", "latest", "head"];

/**
 * Flags the component sets from typed args; in extraArgs they would silently fight
 * the typed value (and `--api-key` would put the key in the pod spec in plain text).
 */
const OWNED_FLAGS: Record<string, string> = {
    "--model": "model",
    "--revision": "modelRevision",
    "--served-model-name": "servedModelName",
    "--max-model-len": "maxModelLen",
    "--gpu-memory-utilization": "gpuMemoryUtilization",
    "--port": "the fixed port 8000",
    "--host": "the container's default host",
    "--api-key": "apiKeyEnabled (the key would be visible in the pod spec)",
};

/**
 * Applies the defaults and checks every arg, pure and synchronous, so a bad stack fails at
 * `pulumi preview` before anything is created. Throws {@link VllmServiceArgsError} listing all problems.
 */
export function validateArgs(resourceName: string, args: VllmServiceArgs): VllmModel {
    const p = new Problems();
    const a = { ...DEFAULTS, ...definedOnly(args) };

    const name = p.dns1035("name", a.name ?? resourceName);
    const namespace = p.dns1123("namespace", a.namespace);
    const userLabels = p.labels("labels", a.labels);

    const image = p.string("image", a.image);
    if (typeof image === "string") {
        const problem = imagePinProblem(image);
        if (problem) {
            p.add("image", `${problem}; pin a version tag (e.g. vllm/vllm-openai:v0.11.0) or an @sha256: digest`);
        }
    }
    const model = p.string("model", a.model, /^\S+$/, "a model id or path without whitespace");
    const revision = p.string("modelRevision", a.modelRevision, /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/, "a revision (commit hash or tag)");
    if (typeof revision === "string" && FLOATING_REVISIONS.includes(revision.toLowerCase())) {
        p.add("modelRevision", `"${revision}" is a branch that moves; pin a commit hash or tag`);
    }
    p.string("servedModelName", a.servedModelName, /^[A-Za-z0-9][A-Za-z0-9._:\/-]{0,127}$/,
        "a valid name (letters, digits and . _ : / -, starting with a letter or digit, at most 128 characters)");
    const tp = p.integer("tensorParallelSize", a.tensorParallelSize, 1);
    const pp = p.integer("pipelineParallelSize", a.pipelineParallelSize, 1);
    p.integer("maxModelLen", a.maxModelLen, 1);
    const gmu = a.gpuMemoryUtilization;
    if (typeof gmu !== "number" || !(gmu > 0 && gmu <= 1)) {
        p.add("gpuMemoryUtilization", `must be a fraction in (0, 1], got ${JSON.stringify(gmu)}`);
    }
    const extraArgs = p.strings("extraArgs", a.extraArgs);
    for (const arg of extraArgs) {
        const flag = arg.split("=")[0];
        if (flag in OWNED_FLAGS) {
            p.add("extraArgs", `"${arg}" sets ${flag}, which comes from ${OWNED_FLAGS[flag]}; remove it from extraArgs`);
        }
    }
    // Parsed as the policy pack parses them (every spelling), since they decide the GPU count.
    for (const flag of parallelismFlagsIn(extraArgs)) {
        p.add("extraArgs", `${flag} changes how many GPUs a pod needs; use tensorParallelSize/pipelineParallelSize instead`);
    }

    p.quantity("shmSizeLimit", a.shmSizeLimit);
    if (tp * pp > 1 && (parseQuantity(a.shmSizeLimit) ?? Infinity) < parseQuantity(MIN_MULTI_GPU_SHM)!) {
        p.add("shmSizeLimit", `${a.shmSizeLimit} is too small for ${tp * pp} GPU workers (NCCL/IPC between shards); use at least ${MIN_MULTI_GPU_SHM}`);
    }
    p.quantity("cpuRequest", a.cpuRequest);
    p.quantity("memory", a.memory);
    const nodeSelector = p.labels("nodeSelector", a.nodeSelector);
    p.boolean("tolerateGpuTaint", a.tolerateGpuTaint);
    p.integer("startupTimeoutSeconds", a.startupTimeoutSeconds, 30);

    if (a.hfToken !== undefined && a.hfTokenSecretName !== undefined) {
        p.add("hfTokenSecretName", "set either hfToken (the stack creates the Secret) or hfTokenSecretName (an existing Secret), not both");
    }
    if (a.hfTokenSecretName !== undefined) {
        p.dns1123("hfTokenSecretName", a.hfTokenSecretName);
    }
    p.string("hfTokenSecretKey", a.hfTokenSecretKey, /^[-._a-zA-Z0-9]+$/, "a valid Secret key");
    p.boolean("apiKeyEnabled", a.apiKeyEnabled);
    if (a.apiKey !== undefined && !a.apiKeyEnabled) {
        p.add("apiKey", "is set but apiKeyEnabled is false; remove one of them");
    }

    p.boolean("serviceMonitorEnabled", a.serviceMonitorEnabled);
    const monitorLabels = p.labels("serviceMonitorLabels", a.serviceMonitorLabels);
    p.duration("scrapeInterval", a.scrapeInterval);

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
    // The API server's own bounds for HPA behavior.
    p.integer("scaleUpPeriodSeconds", a.scaleUpPeriodSeconds, 1, 1800);
    p.integer("scaleDownPeriodSeconds", a.scaleDownPeriodSeconds, 1, 1800);
    p.integer("scaleUpStabilizationSeconds", a.scaleUpStabilizationSeconds, 0, 3600);
    p.integer("scaleDownStabilizationSeconds", a.scaleDownStabilizationSeconds, 0, 3600);

    const slo = resolveSlo(args, p.list);

    if (p.list.length > 0) {
        throw new VllmServiceArgsError(resourceName, p.list);
    }

    const selector = { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": name };
    return {
        name,
        namespace,
        createNamespace: a.createNamespace,
        labels: { ...userLabels, ...selector, "app.kubernetes.io/component": "inference-server", "app.kubernetes.io/managed-by": "pulumi" },
        selector,
        image,
        model,
        modelRevision: revision,
        servedModelName: a.servedModelName,
        tensorParallelSize: tp,
        pipelineParallelSize: pp,
        gpus: tp * pp,
        maxModelLen: a.maxModelLen,
        gpuMemoryUtilization: a.gpuMemoryUtilization,
        extraArgs: a.extraArgs,
        shmSizeLimit: a.shmSizeLimit,
        cpuRequest: a.cpuRequest,
        memory: a.memory,
        nodeSelector,
        tolerateGpuTaint: a.tolerateGpuTaint,
        startupTimeoutSeconds: a.startupTimeoutSeconds,
        hfToken: a.hfToken,
        hfTokenSecretName: a.hfTokenSecretName ?? (a.hfToken !== undefined ? `${name}-hf-token` : undefined),
        hfTokenSecretKey: a.hfTokenSecretKey,
        apiKeySecretName: a.apiKeyEnabled ? `${name}-api-key` : undefined,
        apiKey: a.apiKey,
        serviceMonitor: a.serviceMonitorEnabled ? { labels: monitorLabels, interval: a.scrapeInterval } : undefined,
        replicas: a.autoscalingEnabled ? undefined : a.replicas,
        autoscaling: a.autoscalingEnabled
            ? {
                minReplicas: min,
                maxReplicas: max,
                queueTarget: a.queueTarget,
                scaleUp: { pods: a.scaleUpPods, periodSeconds: a.scaleUpPeriodSeconds, stabilizationSeconds: a.scaleUpStabilizationSeconds },
                scaleDown: { pods: a.scaleDownPods, periodSeconds: a.scaleDownPeriodSeconds, stabilizationSeconds: a.scaleDownStabilizationSeconds },
            }
            : undefined,
        slo,
    };
}

/** Drops keys set to undefined so they do not overwrite defaults. */
function definedOnly<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
