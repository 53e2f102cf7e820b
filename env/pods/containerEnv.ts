/**
 * A container's environment as the kubelet builds it: envFrom first, then env (later wins), with
 * Secret and ConfigMap references read from the API server and the downward API's pod fields.
 * Values stay in memory and go only to the process; nothing here logs them.
 */
import type { CoreV1Api, V1Container, V1Pod } from "@kubernetes/client-node";

export async function containerEnv(core: CoreV1Api, pod: V1Pod, c: V1Container): Promise<Record<string, string>> {
    const ns = pod.metadata?.namespace ?? "default";
    const out: Record<string, string> = {};
    for (const from of c.envFrom ?? []) {
        const data = from.secretRef
            ? await secretData(core, ns, from.secretRef.name ?? "", from.secretRef.optional)
            : from.configMapRef
              ? await configMapData(core, ns, from.configMapRef.name ?? "", from.configMapRef.optional)
              : {};
        for (const [k, v] of Object.entries(data)) out[`${from.prefix ?? ""}${k}`] = v;
    }
    for (const e of c.env ?? []) {
        const value = e.value !== undefined ? expand(e.value, out) : await valueFrom(core, pod, ns, e.valueFrom);
        if (value !== undefined) out[e.name] = value;
    }
    return out;
}

type ValueFrom = NonNullable<V1Container["env"]>[number]["valueFrom"];

async function valueFrom(core: CoreV1Api, pod: V1Pod, ns: string, from: ValueFrom): Promise<string | undefined> {
    if (from?.secretKeyRef) {
        const ref = from.secretKeyRef;
        return (await secretData(core, ns, ref.name ?? "", ref.optional))[ref.key];
    }
    if (from?.configMapKeyRef) {
        const ref = from.configMapKeyRef;
        return (await configMapData(core, ns, ref.name ?? "", ref.optional))[ref.key];
    }
    if (from?.fieldRef) return podField(pod, from.fieldRef.fieldPath);
    return undefined;
}

async function secretData(core: CoreV1Api, ns: string, name: string, optional?: boolean): Promise<Record<string, string>> {
    try {
        const s = await core.readNamespacedSecret({ name, namespace: ns });
        const data: Record<string, string> = {};
        for (const [k, v] of Object.entries(s.data ?? {})) data[k] = Buffer.from(v, "base64").toString("utf8");
        return { ...data, ...(s.stringData ?? {}) };
    } catch (e) {
        if (optional) return {};
        throw new Error(`Secret ${ns}/${name} is not readable: ${(e as Error).message.split("\n")[0]}`);
    }
}

async function configMapData(core: CoreV1Api, ns: string, name: string, optional?: boolean): Promise<Record<string, string>> {
    try {
        return (await core.readNamespacedConfigMap({ name, namespace: ns })).data ?? {};
    } catch (e) {
        if (optional) return {};
        throw new Error(`ConfigMap ${ns}/${name} is not readable: ${(e as Error).message.split("\n")[0]}`);
    }
}

function podField(pod: V1Pod, fieldPath: string): string | undefined {
    const fields: Record<string, string | undefined> = {
        "metadata.name": pod.metadata?.name,
        "metadata.namespace": pod.metadata?.namespace,
        "metadata.uid": pod.metadata?.uid,
        "spec.nodeName": pod.spec?.nodeName,
        "spec.serviceAccountName": pod.spec?.serviceAccountName,
        "status.podIP": pod.status?.podIP,
        "status.hostIP": pod.status?.hostIP,
    };
    return fields[fieldPath];
}

/** `$(VAR)` references to earlier variables, `$$` escapes, as in the kubelet's expansion. */
function expand(value: string, vars: Record<string, string>): string {
    return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) =>
        m === "$$" ? "$" : name !== undefined && vars[name] !== undefined ? vars[name] : m,
    );
}
