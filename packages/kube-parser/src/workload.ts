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

/** Where each workload kind keeps its pod spec (built-in API groups only). */
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

/** True for the workload kinds whose pod spec this module knows. */
export function isWorkload(obj: KubeObject): boolean {
    return WORKLOAD_GROUPS.has(obj.group) && obj.kind in POD_SPEC_PATHS;
}

/** The pod spec of a workload, or undefined for other objects. */
export function podSpecOf(obj: KubeObject): any | undefined {
    if (!isWorkload(obj)) {
        return undefined;
    }
    let cur = obj.body;
    for (const key of POD_SPEC_PATHS[obj.kind]) {
        cur = cur?.[key];
    }
    return cur && typeof cur === "object" ? cur : undefined;
}

/** A container of a pod spec, with which list it is in. */
export interface ContainerRef {
    list: "containers" | "initContainers" | "ephemeralContainers";
    name: string;
    container: any;
}

/** Every container of a workload's pod spec: app containers first, then init and ephemeral. */
export function containersOf(obj: KubeObject): ContainerRef[] {
    const spec = podSpecOf(obj);
    if (!spec) {
        return [];
    }
    const out: ContainerRef[] = [];
    for (const list of ["containers", "initContainers", "ephemeralContainers"] as const) {
        const items = spec[list];
        if (!Array.isArray(items)) continue;
        items.forEach((container: any, i: number) => {
            out.push({ list, name: typeof container?.name === "string" ? container.name : `#${i}`, container });
        });
    }
    return out;
}

/** `container "name"` (or `init container "name"`), for messages. */
export function containerLabel(ref: ContainerRef): string {
    const what = ref.list === "containers" ? "container" : ref.list === "initContainers" ? "init container" : "ephemeral container";
    return `${what} "${ref.name}"`;
}

/** True for HorizontalPodAutoscalers that have a `metrics` list (autoscaling/v2, v2beta2, v2beta1). */
export function isHpa(obj: KubeObject): boolean {
    return obj.group === "autoscaling" && obj.kind === "HorizontalPodAutoscaler" && obj.version !== "v1";
}

/** True for KEDA ScaledObjects (KEDA turns each into an HPA). */
export function isScaledObject(obj: KubeObject): boolean {
    return obj.group === "keda.sh" && obj.kind === "ScaledObject";
}
