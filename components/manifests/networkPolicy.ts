import * as k8s from "@pulumi/kubernetes";
import { VLLM_PORT } from "../defaults";
import { VllmModel } from "../model";
import { metadata } from "./metadata";

/** The label the API server puts on every namespace (NamespaceDefaultLabelName, GA in 1.22). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/**
 * Ingress to the vLLM pods only on port 8000 and only from the namespaces and same-namespace pods
 * the stack names. vLLM 0.11 checks its API key only under `/v1`, so anything that reaches the
 * port could otherwise run inference on `/invocations`, `/pooling`, `/score` and the like.
 * Egress is left alone: the pods download weights from the Hub.
 */
export function networkPolicyArgs(m: VllmModel, np: NonNullable<VllmModel["networkPolicy"]>): k8s.networking.v1.NetworkPolicyArgs {
    const from = [
        ...np.namespaces.map((ns) => ({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } } })),
        // A podSelector alone selects pods in the policy's own namespace.
        ...np.podSelectors.map((labels) => ({ podSelector: { matchLabels: labels } })),
    ];
    return {
        metadata: metadata(m),
        spec: {
            podSelector: { matchLabels: m.selector },
            policyTypes: ["Ingress"],
            ingress: [{ from, ports: [{ protocol: "TCP", port: VLLM_PORT }] }],
        },
    };
}
