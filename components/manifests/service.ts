import * as k8s from "@pulumi/kubernetes";
import { VLLM_PORT } from "../defaults";
import { VllmModel } from "../model";
import { metadata, PULUMI_TIMEOUT_ANNOTATION, rolloutTimeoutSeconds } from "./metadata";

/** ClusterIP Service on 8000 (`http`): the OpenAI endpoint and the scrape target. */
export function serviceArgs(m: VllmModel): k8s.core.v1.ServiceArgs {
    return {
        metadata: {
            ...metadata(m),
            // The provider waits for endpoints, i.e. for the first Ready pod: same budget as the rollout.
            annotations: { [PULUMI_TIMEOUT_ANNOTATION]: String(rolloutTimeoutSeconds(m)) },
        },
        spec: {
            type: "ClusterIP",
            selector: m.selector,
            ports: [{ name: "http", port: VLLM_PORT, targetPort: "http", protocol: "TCP" }],
        },
    };
}

/** The in-cluster base URL of the OpenAI API. */
export function inClusterUrl(m: VllmModel): string {
    return `http://${m.name}.${m.namespace}.svc.cluster.local:${VLLM_PORT}/v1`;
}
