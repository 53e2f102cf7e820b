/**
 * The simulated GPU nodes: Node objects created with their status (capacity and allocatable incl.
 * `nvidia.com/gpu`) and the annotation kwok's node selector matches, so kwok keeps them Ready.
 */
import { stringify } from "yaml";
import { HttpResponse } from "../http";
import { fakeNodeIp } from "./network";

/** A simulated node group. */
export interface FakeNodeGroup {
    /** Node name prefix: nodes are `<prefix>-0`, `<prefix>-1`, ... */
    prefix: string;
    count: number;
    gpus: number;
    cpu: string;
    memory: string;
    pods: string;
    /** Value of the `nvidia.com/gpu.product` label (informational only). */
    gpuProduct: string;
}

/** Two nodes with 8 GPUs each: enough for the dev stack and for the prod stack (8 GPUs per pod). */
export const DEFAULT_NODE_GROUPS: FakeNodeGroup[] = [
    { prefix: "kwok-gpu", count: 2, gpus: 8, cpu: "192", memory: "2Ti", pods: "110", gpuProduct: "simulated-gpu-80GB" },
];

/** kwok manages exactly the nodes with this annotation (its --manage-nodes-with-annotation-selector). */
export const KWOK_NODE_ANNOTATION = { key: "kwok.x-k8s.io/node", value: "fake" };

function nodeObject(g: FakeNodeGroup, name: string, ip: string): object {
    const resources = { cpu: g.cpu, memory: g.memory, pods: g.pods, "ephemeral-storage": "2Ti", "nvidia.com/gpu": String(g.gpus) };
    return {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name,
            annotations: { [KWOK_NODE_ANNOTATION.key]: KWOK_NODE_ANNOTATION.value, "node.alpha.kubernetes.io/ttl": "0" },
            labels: {
                type: "kwok",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "nvidia.com/gpu.present": "true",
                "nvidia.com/gpu.count": String(g.gpus),
                "nvidia.com/gpu.product": g.gpuProduct,
            },
        },
        spec: {},
        status: {
            addresses: [
                { type: "InternalIP", address: ip },
                { type: "Hostname", address: name },
            ],
            capacity: resources,
            allocatable: resources,
        },
    };
}

/** The Node objects of the groups as one multi-document YAML, and their names in order. */
export function nodeManifest(groups: FakeNodeGroup[]): { yaml: string; names: string[] } {
    const docs: string[] = [];
    const names: string[] = [];
    for (const g of groups) {
        for (let i = 0; i < g.count; i++) {
            const name = `${g.prefix}-${i}`;
            docs.push(stringify(nodeObject(g, name, fakeNodeIp(names.length + 1))));
            names.push(name);
        }
    }
    return { yaml: docs.join("---\n"), names };
}

interface NodeList {
    items: {
        metadata: { name: string };
        spec: { taints?: unknown[] };
        status: { conditions?: { type: string; status: string }[]; allocatable?: Record<string, string> };
    }[];
}

/** True when the API server's node list (GET /api/v1/nodes) has every named node Ready, untainted, with GPUs allocatable. */
export function nodesSchedulable(res: HttpResponse, names: string[]): boolean {
    if (res.status !== 200) return false;
    const list = JSON.parse(res.body) as NodeList;
    return names.every((n) => {
        const node = list.items.find((i) => i.metadata.name === n);
        if (!node) return false;
        const ready = node.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
        return ready && (node.spec.taints ?? []).length === 0 && node.status.allocatable?.["nvidia.com/gpu"] !== undefined;
    });
}
