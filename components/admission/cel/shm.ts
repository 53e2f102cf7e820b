/**
 * vllm-shm-size in CEL (policy/policies/vllmShmSize.ts): a server running more than one GPU
 * worker needs a memory-backed /dev/shm of at least `minSize`.
 */
import { formatBytes, parseQuantity, SHM_NOTHING_MOUNTED, SHM_SUGGESTED_SIZE } from "@vllm-pulumi/kube-parser";
import { CelVariable, firstOf, record, str } from "./lang";

const MOUNT_AT_SHM = "m.?mountPath.orValue('').matches('^/dev/shm/*$')";
const MOUNTS = "x.c.?volumeMounts.orValue([])";
const MOUNT = `${MOUNTS}.filter(m, ${MOUNT_AT_SHM})[0]`;
const VOLUMES = `x.pod.?volumes.orValue([]).filter(v, v.name == ${MOUNT}.name)`;
const VOLUME = `${VOLUMES}[0]`;
const NAMED = `'mounts volume "' + ${MOUNT}.name + '" at /dev/shm'`;

/** Variables after parallelVariables(): `shmProblems`, one message per multi-GPU server without a fitting /dev/shm. */
export function shmVariables(minSize: string): CelVariable[] {
    const minBytes = parseQuantity(minSize);
    if (minBytes === undefined) throw new Error(`minShmSize: "${minSize}" is not a Kubernetes quantity`);
    const min = formatBytes(minBytes);
    const suggested = formatBytes(Math.max(minBytes, parseQuantity(SHM_SUGGESTED_SIZE)!));
    const problem = firstOf(
        [
            ["x.pod.?hostIPC.orValue(false) == true", "''"], // the host's IPC namespace and /dev/shm
            [`!${MOUNTS}.exists(m, ${MOUNT_AT_SHM})`, str(SHM_NOTHING_MOUNTED)],
            [`${VOLUMES}.size() == 0`, `${NAMED} + ', which the pod does not define'`],
            [`${VOLUME}.?hostPath.?path.orValue('') == '/dev/shm'`, "''"],
            [`${VOLUME}.?emptyDir.?medium.orValue('') != 'Memory'`, `${NAMED} + ', which is not an emptyDir with medium: Memory'`],
            [`!has(${VOLUME}.emptyDir.sizeLimit)`, "''"], // bounded by the pod's memory only
            [
                `quantity(string(${VOLUME}.emptyDir.sizeLimit)).compareTo(quantity(${str(min)})) < 0`,
                `'has /dev/shm sizeLimit ' + string(${VOLUME}.emptyDir.sizeLimit) + ', below the minimum ' + ${str(min)}`,
            ],
        ],
        "''",
    );
    const one = (f: string) => `(x.${f} == 0 ? 1 : x.${f})`;
    return [
        {
            name: "shmProblems",
            expression:
                `variables.needs.map(x, ${record({ label: "x.label", gpus: `${one("tpN")} * ${one("ppN")} * ${one("localN")}`, tensor: one("tpN"), problem })})` +
                `.filter(s, s.gpus > 1 && s.problem != '')` +
                `.map(s, s.label + ' runs ' + string(s.gpus) + ' GPU workers (tensor-parallel ' + string(s.tensor) + ') but ' + s.problem + ` +
                `'. Mount an emptyDir { medium: Memory, sizeLimit: ${suggested} } at /dev/shm.')`,
        },
    ];
}
