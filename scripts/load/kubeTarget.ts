/**
 * What the load generator needs from the cluster: the Service's ready endpoints (spread load over
 * replicas as kube-proxy would), the API key from its Secret, and what the autoscaler sees
 * (desired/ready replicas, the HPA's current queue-per-replica value).
 */
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, DiscoveryV1Api, KubeConfig } from "@kubernetes/client-node";
import { parseQuantity } from "@vllm-pulumi/kube-parser";
import { OBSERVED, Observation } from "../../loadgen";

export interface KubeTarget {
    namespace: string;
    service: string;
    deployment: string;
    hpa?: string;
    /** Port name of the Service/EndpointSlice to send to. */
    portName: string;
}

export class KubeTargetClient {
    private core: CoreV1Api;
    private apps: AppsV1Api;
    private autoscaling: AutoscalingV2Api;
    private discovery: DiscoveryV1Api;

    constructor(
        kubeconfig: string,
        readonly t: KubeTarget,
    ) {
        const kc = new KubeConfig();
        kc.loadFromFile(kubeconfig);
        this.core = kc.makeApiClient(CoreV1Api);
        this.apps = kc.makeApiClient(AppsV1Api);
        this.autoscaling = kc.makeApiClient(AutoscalingV2Api);
        this.discovery = kc.makeApiClient(DiscoveryV1Api);
    }

    /** `http://IP:PORT` of every ready endpoint of the Service. */
    async endpoints(): Promise<string[]> {
        const slices = await this.discovery.listNamespacedEndpointSlice({
            namespace: this.t.namespace,
            labelSelector: `kubernetes.io/service-name=${this.t.service}`,
        });
        const urls: string[] = [];
        for (const s of slices.items) {
            const port = s.ports?.find((p) => p.name === this.t.portName)?.port;
            if (port === undefined) continue;
            for (const e of s.endpoints) {
                if (e.conditions?.ready === false) continue;
                for (const a of e.addresses) urls.push(`http://${a}:${port}`);
            }
        }
        return urls.sort();
    }

    /** The value of a key of a Secret (kept in memory, never printed). */
    async secretValue(name: string, key: string): Promise<string> {
        const s = await this.core.readNamespacedSecret({ name, namespace: this.t.namespace });
        const v = s.data?.[key];
        if (v === undefined) throw new Error(`Secret ${this.t.namespace}/${name} has no key ${key}`);
        return Buffer.from(v, "base64").toString("utf8");
    }

    /** Desired and ready replicas, and the HPA's current Pods-metric value (or "<unknown>"). */
    async observe(): Promise<Observation> {
        const d = await this.apps.readNamespacedDeployment({ name: this.t.deployment, namespace: this.t.namespace });
        const out: Observation = {
            [OBSERVED.desiredReplicas]: d.spec?.replicas ?? 0,
            [OBSERVED.readyReplicas]: d.status?.readyReplicas ?? 0,
        };
        if (this.t.hpa) {
            const h = await this.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: this.t.hpa, namespace: this.t.namespace });
            // 0 until the HPA has computed a recommendation (metric still unknown): keep the Deployment's.
            out[OBSERVED.desiredReplicas] = h.status?.desiredReplicas || out[OBSERVED.desiredReplicas];
            out[OBSERVED.queuePerReplica] = hpaPodsMetricValue(h.status?.currentMetrics) ?? "<unknown>";
        }
        return out;
    }
}

type MetricStatuses = Awaited<ReturnType<AutoscalingV2Api["readNamespacedHorizontalPodAutoscaler"]>>["status"] extends infer S
    ? S extends { currentMetrics?: infer M }
        ? M
        : never
    : never;

/** The first Pods metric's current average, as a number (quantities like `2500m`). */
export function hpaPodsMetricValue(metrics: MetricStatuses | undefined): number | undefined {
    const avg = metrics?.find((m) => m.type === "Pods")?.pods?.current.averageValue;
    return avg === undefined ? undefined : parseQuantity(String(avg));
}
