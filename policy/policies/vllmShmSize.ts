import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { containerLabel, containersOf, formatBytes, MIN_MULTI_GPU_SHM, parseQuantity, SHM_NOTHING_MOUNTED, SHM_SUGGESTED_SIZE, vllmParallelism, vllmServer } from "@vllm-pulumi/kube-parser";
import { configOf, objectOf } from "./util";

/** The size a fix suggests, unless minSize asks for more. */
const SUGGESTED_BYTES = parseQuantity(SHM_SUGGESTED_SIZE)!;

const configSchema: PolicyConfigSchema = {
    properties: {
        minSize: {
            type: "string",
            default: MIN_MULTI_GPU_SHM,
            pattern: "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$",
            description: "Smallest acceptable sizeLimit of the /dev/shm volume (a Kubernetes quantity).",
        },
    },
};

/** Why the container's /dev/shm is missing or too small, or undefined when it is fine. */
function shmProblem(podSpec: any, container: any, minBytes: number): string | undefined {
    if (podSpec?.hostIPC === true) {
        return undefined; // the host's IPC namespace and /dev/shm
    }
    const mounts: any[] = Array.isArray(container?.volumeMounts) ? container.volumeMounts : [];
    const mount = mounts.find(m => typeof m?.mountPath === "string" && m.mountPath.replace(/\/+$/, "") === "/dev/shm");
    if (!mount) {
        return SHM_NOTHING_MOUNTED;
    }
    const volumes: any[] = Array.isArray(podSpec?.volumes) ? podSpec.volumes : [];
    const volume = volumes.find(v => v?.name === mount.name);
    if (!volume) {
        return `mounts volume "${mount.name}" at /dev/shm, which the pod does not define`;
    }
    if (volume.hostPath?.path === "/dev/shm") {
        return undefined;
    }
    if (!volume.emptyDir || volume.emptyDir.medium !== "Memory") {
        return `mounts volume "${mount.name}" at /dev/shm, which is not an emptyDir with medium: Memory`;
    }
    const limit = volume.emptyDir.sizeLimit;
    if (limit === undefined || limit === null) {
        return undefined; // bounded by the pod's memory only
    }
    const bytes = parseQuantity(limit);
    if (bytes === undefined) {
        return `has /dev/shm sizeLimit "${limit}", which is not a valid quantity`;
    }
    if (bytes < minBytes) {
        return `has /dev/shm sizeLimit ${limit}, below the minimum ${formatBytes(minBytes)}`;
    }
    return undefined;
}

/**
 * Tensor-parallel workers exchange activations through shared memory (NCCL's SHM transport,
 * vLLM's message queues); the runtime's 64Mi /dev/shm makes them crash or hang.
 */
export const vllmShmSize: ResourceValidationPolicy = {
    name: "vllm-shm-size",
    description: "A vLLM server running more than one GPU worker (TP x PP x DP > 1) must mount a memory-backed /dev/shm of at least minSize (default 2Gi).",
    enforcementLevel: "mandatory",
    configSchema,
    remediationSteps:
        `Add a volume \`emptyDir: { medium: Memory, sizeLimit: ${SHM_SUGGESTED_SIZE} }\` and mount it at /dev/shm in the vLLM container ` +
        `(size it to the model; the recipe uses ${SHM_SUGGESTED_SIZE}).`,
    validateResource: (args, reportViolation) => {
        const obj = objectOf(args);
        if (!obj) return;
        const { minSize } = configOf<{ minSize: string }>(args, configSchema);
        const minBytes = parseQuantity(minSize) ?? parseQuantity(MIN_MULTI_GPU_SHM)!;
        for (const ref of containersOf(obj)) {
            if (ref.list !== "containers") continue;
            const server = vllmServer(ref.container);
            if (!server) continue;
            const p = vllmParallelism(server.args);
            if (p.gpus <= 1) continue;
            const problem = shmProblem(ref.pod.spec, ref.container, minBytes);
            if (problem) {
                reportViolation(
                    `${containerLabel(ref)} runs ${p.gpus} GPU workers (tensor-parallel ${p.tensor}) but ${problem}. ` +
                        `Mount an emptyDir { medium: Memory, sizeLimit: ${formatBytes(Math.max(minBytes, SUGGESTED_BYTES))} } at /dev/shm.`,
                );
            }
        }
    },
};
