/**
 * The canary's pods as the API server reports them: waiting for the canary Deployment to be Ready
 * within the stack's startup budget, and the pods of each track (told apart by the track label).
 */
import { AppsV1Api, CoreV1Api, KubeConfig, V1Pod } from "@kubernetes/client-node";
import { CANARY_SUFFIX, TRACK, TRACK_LABEL } from "../components/canary";

export interface TrackPod {
    name: string;
    /** The vLLM container's image. */
    image: string;
    ip: string;
    ready: boolean;
    restarts: number;
}

export class TrackPods {
    private readonly core: CoreV1Api;
    private readonly apps: AppsV1Api;

    constructor(kubeconfig: string, readonly namespace: string, readonly name: string) {
        const kc = new KubeConfig();
        kc.loadFromFile(kubeconfig);
        this.core = kc.makeApiClient(CoreV1Api);
        this.apps = kc.makeApiClient(AppsV1Api);
    }

    get canaryDeployment(): string {
        return `${this.name}${CANARY_SUFFIX}`;
    }

    /** Whether the canary Deployment exists in the cluster (also when the config no longer says so). */
    async canaryExists(): Promise<boolean> {
        try {
            await this.apps.readNamespacedDeployment({ name: this.canaryDeployment, namespace: this.namespace });
            return true;
        } catch (e) {
            if ((e as { code?: number }).code === 404) return false;
            throw e;
        }
    }

    /** Running (not terminating) pods of a track of this service. */
    async pods(track: keyof typeof TRACK): Promise<TrackPod[]> {
        const list = await this.core.listNamespacedPod({
            namespace: this.namespace,
            labelSelector: `app.kubernetes.io/instance=${this.name},${TRACK_LABEL}=${TRACK[track]}`,
        });
        return list.items.filter((p) => !p.metadata?.deletionTimestamp).map(trackPod);
    }

    /**
     * Resolves with the canary's pods once the Deployment has all its replicas updated and ready,
     * or rejects when `budgetSeconds` pass first (the pods' state in the message).
     */
    async waitReady(budgetSeconds: number, pollMs = 1000): Promise<{ pods: TrackPod[]; seconds: number }> {
        const started = Date.now();
        let last = "no canary Deployment yet";
        while (Date.now() - started < budgetSeconds * 1000) {
            try {
                const d = await this.apps.readNamespacedDeployment({ name: this.canaryDeployment, namespace: this.namespace });
                const want = d.spec?.replicas ?? 1;
                // Only pods of the Deployment's current template (an older canary's pod may still be terminating or Ready).
                const image = d.spec?.template.spec?.containers[0]?.image;
                const pods = (await this.pods("canary")).filter((p) => p.ip !== "" && p.image === image);
                const ready = pods.filter((p) => p.ready);
                last = `${ready.length}/${want} ready${pods.length ? ` (${pods.map((p) => `${p.name}: ${p.ready ? "ready" : "not ready"}, ${p.restarts} restarts`).join("; ")})` : ""}`;
                if ((d.status?.readyReplicas ?? 0) >= want && (d.status?.updatedReplicas ?? 0) >= want && ready.length >= want) {
                    return { pods: ready, seconds: (Date.now() - started) / 1000 };
                }
            } catch (e) {
                if ((e as { code?: number }).code !== 404) throw e;
            }
            await new Promise((r) => setTimeout(r, pollMs));
        }
        throw new Error(`the canary was not Ready within the stack's startup budget (startupTimeoutSeconds ${budgetSeconds} s): ${last}`);
    }
}

function trackPod(p: V1Pod): TrackPod {
    const statuses = p.status?.containerStatuses ?? [];
    return {
        name: p.metadata?.name ?? "",
        image: p.spec?.containers[0]?.image ?? "",
        ip: p.status?.podIP ?? "",
        ready: p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
        restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    };
}
