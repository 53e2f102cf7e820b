/**
 * Kubernetes objects as both Pulumi and plain manifests present them, and the pod spec and
 * containers of every workload kind.
 *
 * A Pulumi Kubernetes resource has a type like `kubernetes:apps/v1:Deployment` and the
 * object's fields as props; a manifest has `apiVersion`/`kind`. Both are normalised to one
 * `KubeObject` so every rule is written once.
 */

/** A Kubernetes object with its group, version and kind resolved. */
export interface KubeObject {
    /** API group; "" for the core group (`v1`). */
    group: string;
    version: string;
    kind: string;
    /** The object itself (Pulumi props or the parsed manifest). */
    body: any;
}

/** The Pulumi type token of a Kubernetes kind: `kubernetes:<group or core>/<version>:<Kind>`. */
export function pulumiType(apiVersion: string, kind: string): string {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["core", apiVersion];
    return `kubernetes:${group}/${version}:${kind}`;
}

const PULUMI_TYPE_RE = /^kubernetes:([^/:]+)\/([^/:]+):([A-Za-z0-9]+)$/;

/**
 * Normalises a Pulumi resource (`type` + props) or a manifest (type undefined) into a
 * `KubeObject`; undefined for anything that is not a Kubernetes object (other providers,
 * component resources, Helm releases).
 */
export function kubeObject(type: string | undefined, body: any): KubeObject | undefined {
    if (body && typeof body === "object") {
        // Every policy asks for the same resource's object: parse it once (objects are read, never changed).
        const cached = OBJECTS.get(body);
        if (cached && cached.type === type) return cached.obj;
        const obj = parseObject(type, body);
        OBJECTS.set(body, { type, obj });
        return obj;
    }
    return parseObject(type, body);
}

const OBJECTS = new WeakMap<object, { type: string | undefined; obj: KubeObject | undefined }>();

function parseObject(type: string | undefined, body: any): KubeObject | undefined {
    if (type !== undefined) {
        const m = PULUMI_TYPE_RE.exec(type);
        if (!m) {
            return undefined;
        }
        return { group: m[1] === "core" ? "" : m[1], version: m[2], kind: m[3], body: body ?? {} };
    }
    if (!body || typeof body !== "object" || typeof body.apiVersion !== "string" || typeof body.kind !== "string") {
        return undefined;
    }
    const [group, version] = body.apiVersion.includes("/") ? body.apiVersion.split("/", 2) : ["", body.apiVersion];
    return { group, version, kind: body.kind, body };
}

/** `Kind/namespace/name` for messages; a missing namespace reads as `default`. */
export function objectRef(obj: KubeObject, fallbackName = "<unnamed>"): string {
    const md = obj.body?.metadata ?? {};
    return `${obj.kind}/${md.namespace ?? "default"}/${md.name ?? fallbackName}`;
}

/** Where each built-in workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, string[]> = {
    Pod: ["spec"],
    PodTemplate: ["template", "spec"],
    Deployment: ["spec", "template", "spec"],
    StatefulSet: ["spec", "template", "spec"],
    DaemonSet: ["spec", "template", "spec"],
    ReplicaSet: ["spec", "template", "spec"],
    ReplicationController: ["spec", "template", "spec"],
    Job: ["spec", "template", "spec"],
    CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};
const WORKLOAD_GROUPS = new Set(["", "apps", "batch", "extensions"]);

/** The LeaderWorkerSet API group (multi-node serving: one leader pod and size-1 workers per group). */
export const LWS_GROUP = "leaderworkerset.x-k8s.io";
/** KServe's API group (ServingRuntime, ClusterServingRuntime, InferenceService). */
export const KSERVE_GROUP = "serving.kserve.io";

/** True for the workload kinds whose pod spec(s) this module knows. */
export function isWorkload(obj: KubeObject): boolean {
    if (WORKLOAD_GROUPS.has(obj.group)) return obj.kind in POD_SPEC_PATHS;
    if (obj.group === LWS_GROUP) return obj.kind === "LeaderWorkerSet";
    return obj.group === KSERVE_GROUP && ["ServingRuntime", "ClusterServingRuntime", "InferenceService"].includes(obj.kind);
}

/** One pod template of a workload; LeaderWorkerSets and KServe objects have several. */
export interface PodSpecRef {
    /** Where it is, for messages: `spec.template.spec`, `spec.leaderWorkerTemplate.workerTemplate.spec`. */
    path: string;
    /** `leader`/`worker` in a LeaderWorkerSet or a KServe multi-node runtime; the KServe component otherwise. */
    role?: string;
    spec: any;
}

const isObject = (v: unknown): boolean => typeof v === "object" && v !== null && !Array.isArray(v);

function at(body: any, path: string[]): any {
    let cur = body;
    for (const key of path) cur = cur?.[key];
    return cur;
}

/** KServe: an InferenceService component's inline pod spec, with its model/runtime container. */
function kserveComponent(spec: any, path: string, role: string): PodSpecRef | undefined {
    if (!isObject(spec)) return undefined;
    // `predictor.model` (and framework shortcuts like `predictor.huggingface`) is the runtime's
    // container (kserve-container): its args/env/resources are merged into the runtime's.
    const modelKey = Object.keys(spec).find(k => !["containers", "initContainers", "volumes", "workerSpec"].includes(k) && isObject(spec[k]) && ("modelFormat" in spec[k] || "storageUri" in spec[k] || "args" in spec[k]));
    const containers = Array.isArray(spec.containers) ? [...spec.containers] : [];
    if (modelKey) containers.unshift({ name: "kserve-container", ...spec[modelKey] });
    return { path, role, spec: { ...spec, containers } };
}

/** Every pod template of a workload (empty for other objects). */
export function podSpecsOf(obj: KubeObject): PodSpecRef[] {
    if (!isWorkload(obj)) return [];
    const out: PodSpecRef[] = [];
    const add = (path: string[], role?: string) => {
        const spec = at(obj.body, path);
        if (isObject(spec)) out.push({ path: path.join("."), role, spec });
    };
    if (obj.group === LWS_GROUP) {
        // Without a leaderTemplate the leader pod is created from the workerTemplate.
        const lwt = ["spec", "leaderWorkerTemplate"];
        add(isObject(at(obj.body, [...lwt, "leaderTemplate", "spec"])) ? [...lwt, "leaderTemplate", "spec"] : [...lwt, "workerTemplate", "spec"], "leader");
        add([...lwt, "workerTemplate", "spec"], "worker");
    } else if (obj.kind === "InferenceService") {
        for (const component of ["predictor", "transformer", "explainer"]) {
            const ref = kserveComponent(obj.body?.spec?.[component], `spec.${component}`, component);
            if (ref) out.push(ref);
            add(["spec", component, "workerSpec"], `${component} worker`);
        }
    } else if (obj.group === KSERVE_GROUP) {
        add(["spec"]);
        add(["spec", "workerSpec"], "worker");
    } else {
        add(POD_SPEC_PATHS[obj.kind]);
    }
    return out;
}

/** The (first) pod spec of a workload, or undefined for other objects. */
export function podSpecOf(obj: KubeObject): any | undefined {
    return podSpecsOf(obj)[0]?.spec;
}

/** A container of a pod spec, with which list it is in. */
export interface ContainerRef {
    list: "containers" | "initContainers" | "ephemeralContainers";
    name: string;
    container: any;
    /** The pod template it belongs to. */
    pod: PodSpecRef;
}

/** Every container of a workload's pod spec(s): per template, app containers first, then init and ephemeral. */
export function containersOf(obj: KubeObject): ContainerRef[] {
    const cached = CONTAINERS.get(obj);
    if (cached) return cached;
    const out: ContainerRef[] = [];
    for (const pod of podSpecsOf(obj)) {
        for (const list of ["containers", "initContainers", "ephemeralContainers"] as const) {
            const items = pod.spec[list];
            if (!Array.isArray(items)) continue;
            items.forEach((container: any, i: number) => {
                out.push({ list, name: typeof container?.name === "string" ? container.name : `#${i}`, container, pod });
            });
        }
    }
    CONTAINERS.set(obj, out);
    return out;
}

/** containersOf per object (kubeObject returns the same object for the same resource). */
const CONTAINERS = new WeakMap<KubeObject, ContainerRef[]>();

/** `container "name"` (or `init container "name"`, `worker container "name"`), for messages. */
export function containerLabel(ref: ContainerRef): string {
    const what = ref.list === "containers" ? "container" : ref.list === "initContainers" ? "init container" : "ephemeral container";
    return `${ref.pod.role ? ref.pod.role + " " : ""}${what} "${ref.name}"`;
}

/** True for HorizontalPodAutoscalers that have a `metrics` list (autoscaling/v2, v2beta2, v2beta1). */
export function isHpa(obj: KubeObject): boolean {
    return obj.group === "autoscaling" && obj.kind === "HorizontalPodAutoscaler" && obj.version !== "v1";
}

/** True for KEDA ScaledObjects (KEDA turns each into an HPA). */
export function isScaledObject(obj: KubeObject): boolean {
    return obj.group === "keda.sh" && obj.kind === "ScaledObject";
}

/** True for the LeaderWorkerSet kind (multi-node serving). */
export function isLeaderWorkerSet(obj: KubeObject): boolean {
    return obj.group === LWS_GROUP && obj.kind === "LeaderWorkerSet";
}

/** Pods per LeaderWorkerSet group (leader included): `spec.leaderWorkerTemplate.size`, default 1. */
export function lwsGroupSize(obj: KubeObject): number | undefined {
    const size = obj.body?.spec?.leaderWorkerTemplate?.size;
    if (size === undefined || size === null) return 1;
    return Number.isInteger(size) && size > 0 ? size : undefined;
}
