/**
 * vLLM servers that an operator's custom resource describes without a pod template: the operator
 * builds the pod, so the pack reads what the object itself sets (the vLLM arguments and the GPUs).
 *
 * - KubeAI `Model` (kubeai.org/v1): `spec.engine: VLLM`, `spec.args` are vLLM's arguments, and
 *   `spec.resourceProfile: <profile>:<count>` asks for `count` units of a profile defined in
 *   KubeAI's config. KubeAI's preconfigured GPU profiles (`nvidia-gpu-l4`, `nvidia-gpu-h100`,
 *   `amd-gpu-mi300x`, ...) hold one GPU per unit, so `nvidia-gpu-l4:2` is 2 GPUs; `cpu` profiles
 *   run vLLM's CPU image. The image is chosen by the operator from the profile.
 * - NVIDIA Dynamo `DynamoGraphDeployment` (nvidia.com/v1alpha1): each of `spec.services` that runs
 *   `python3 -m dynamo.vllm ...` (vLLM's engine arguments) in `extraPodSpec.mainContainer` gets
 *   `resources.limits.gpu` GPUs per pod, on `multinode.nodeCount` pods when it spans nodes.
 */
import { basename, commandTokens, shellWords, SHELL_OPERATORS } from "./flags";
import { KubeObject } from "./workload";

/** One vLLM engine an operator object describes. */
export interface OperatorServer {
    /** For messages: `Model "llama-8b"`, `service "VllmDecodeWorker"`. */
    label: string;
    /** vLLM's arguments as the engine gets them. */
    args: string[];
    /** GPUs per pod as written (`"1"`, 2), or undefined when the object sets none. */
    gpus?: unknown;
    /** Where the GPU count comes from, for messages: `resourceProfile "nvidia-gpu-l4:2"`, `resources.limits.gpu`. */
    gpuSource: string;
    /** Pods one engine spans (Dynamo multinode); 1 otherwise. */
    nodes: number;
    /** A KubeAI profile's name: the count is set as `<profile>:<count>`. */
    profile?: string;
    /** Runs without GPUs (a KubeAI CPU profile). */
    cpu?: boolean;
    /** Why the GPU count cannot be known from this object, when it cannot. */
    unknownGpus?: string;
}

export const KUBEAI_GROUP = "kubeai.org";
export const DYNAMO_GROUP = "nvidia.com";

/** True for the operator kinds read here. */
export function isOperatorServerKind(obj: KubeObject): boolean {
    return (obj.group === KUBEAI_GROUP && obj.kind === "Model") || (obj.group === DYNAMO_GROUP && obj.kind === "DynamoGraphDeployment");
}

/** The vLLM engines the object describes (empty for other objects and other engines). */
export function operatorServers(obj: KubeObject): OperatorServer[] {
    if (obj.group === KUBEAI_GROUP && obj.kind === "Model") return kubeaiModel(obj);
    if (obj.group === DYNAMO_GROUP && obj.kind === "DynamoGraphDeployment") return dynamoGraph(obj);
    return [];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function kubeaiModel(obj: KubeObject): OperatorServer[] {
    const spec = obj.body?.spec ?? {};
    if (typeof spec.engine !== "string" || spec.engine.toUpperCase() !== "VLLM") return [];
    const label = `Model "${obj.body?.metadata?.name ?? "<unnamed>"}"`;
    const profile = typeof spec.resourceProfile === "string" ? spec.resourceProfile : undefined;
    const base: OperatorServer = { label, args: strings(spec.args), gpuSource: `resourceProfile "${profile}"`, nodes: 1 };
    if (profile === undefined) return [{ ...base, gpuSource: "resourceProfile", unknownGpus: "it sets no resourceProfile (<profile>:<count>)" }];
    const m = /^([^:]+)(?::(.*))?$/.exec(profile);
    const name = m?.[1] ?? profile;
    const count = m?.[2] ?? "1";
    if (/^cpu\b/i.test(name)) return [{ ...base, cpu: true }];
    if (/^(nvidia|amd)-gpu-/i.test(name)) return [{ ...base, gpus: count, profile: name }];
    return [{ ...base, unknownGpus: `profile "${name}" is defined in KubeAI's config, which says how many GPUs one unit holds` }];
}

/** The arguments after `-m dynamo.vllm`, up to the end of that shell command; undefined when not a Dynamo vLLM worker. */
function dynamoVllmArgs(container: any): string[] | undefined {
    const command = strings(container?.command);
    let args = strings(container?.args);
    // The examples write the whole command line as one args string the operator runs with a shell.
    if (command.length === 0 && args.length === 1 && /\s/.test(args[0])) args = shellWords(args[0]);
    const tokens = commandTokens(command, args);
    for (let i = 0; i + 1 < tokens.length; i++) {
        if (tokens[i] === "-m" && tokens[i + 1] === "dynamo.vllm" && /^python/.test(basename(tokens[i - 1] ?? "python"))) {
            let end = i + 2;
            while (end < tokens.length && !SHELL_OPERATORS.has(tokens[end])) end++;
            return tokens.slice(i + 2, end);
        }
    }
    return undefined;
}

function dynamoGraph(obj: KubeObject): OperatorServer[] {
    const services = obj.body?.spec?.services;
    if (typeof services !== "object" || services === null) return [];
    const out: OperatorServer[] = [];
    for (const [name, svc] of Object.entries<any>(services)) {
        const args = dynamoVllmArgs(svc?.extraPodSpec?.mainContainer);
        if (args === undefined) continue;
        const nodeCount = svc?.multinode?.nodeCount;
        const nodes = Number.isInteger(nodeCount) && nodeCount > 0 ? nodeCount : 1;
        const gpus = svc?.resources?.limits?.gpu ?? svc?.resources?.requests?.gpu;
        out.push({ label: `service "${name}"`, args, gpus, gpuSource: `resources.limits.gpu${nodes > 1 ? ` x multinode.nodeCount ${nodes}` : ""}`, nodes });
    }
    return out;
}
