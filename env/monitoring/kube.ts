/**
 * The few Kubernetes API calls the monitoring modules make, through @kubernetes/client-node:
 * server-side apply of whole objects, delete, read.
 */
import * as k8s from "@kubernetes/client-node";
import * as https from "https";

/** The field manager of everything the local environment's monitoring modules apply. */
export const FIELD_MANAGER = "vllm-pulumi-env-monitoring";

export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    [key: string]: unknown;
}

export interface Kube {
    config: k8s.KubeConfig;
    objects: k8s.KubernetesObjectApi;
    core: k8s.CoreV1Api;
}

export function kubeFromFile(kubeconfig: string): Kube {
    const config = new k8s.KubeConfig();
    config.loadFromFile(kubeconfig);
    return { config, objects: k8s.KubernetesObjectApi.makeApiClient(config), core: config.makeApiClient(k8s.CoreV1Api) };
}

/** Server-side apply (creates or updates; our field manager owns every field we send). */
export async function apply<T extends KubeObject>(kube: Kube, obj: T): Promise<T> {
    return (await kube.objects.patch(obj, undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply)) as T;
}

/** The object as the API server has it, or undefined when it does not exist. */
export async function read<T extends KubeObject>(kube: Kube, ref: KubeObject): Promise<T | undefined> {
    try {
        return (await kube.objects.read(ref as k8s.KubernetesObject & { metadata: { name: string } })) as unknown as T;
    } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
    }
}

/** Deletes the object; true if it existed. */
export async function remove(kube: Kube, ref: KubeObject): Promise<boolean> {
    try {
        await kube.objects.delete(ref);
        return true;
    } catch (e) {
        if (isNotFound(e)) return false;
        throw e;
    }
}

export function isNotFound(e: unknown): boolean {
    return (e as { code?: number }).code === 404;
}

export interface Condition {
    type: string;
    status: string;
    reason?: string;
    message?: string;
    observedGeneration?: number;
}

export interface KubeObjectWithStatus extends KubeObject {
    status?: { conditions?: Condition[] };
}

export function conditionOf(obj: { status?: { conditions?: Condition[] } } | undefined, type: string): Condition | undefined {
    return obj?.status?.conditions?.find((c) => c.type === type);
}

/** GET a raw API path (e.g. an aggregated API) with the kubeconfig's identity; status and body. */
export async function getRaw(kube: Kube, apiPath: string, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
    const server = kube.config.getCurrentCluster()?.server;
    if (!server) throw new Error("kubeconfig has no current cluster");
    const u = new URL(apiPath, server);
    const opts: https.RequestOptions = { hostname: u.hostname, port: u.port, path: u.pathname + u.search, method: "GET", timeout: timeoutMs };
    await kube.config.applyToHTTPSOptions(opts);
    return new Promise((resolve, reject) => {
        const req = https.request(opts, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d: string) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error(`GET ${apiPath}: timeout after ${timeoutMs} ms`)));
        req.on("error", reject);
        req.end();
    });
}
