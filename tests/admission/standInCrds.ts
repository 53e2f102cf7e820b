/**
 * Stand-ins for the LeaderWorkerSet and KEDA ScaledObject CRDs (the local cluster installs only
 * the Prometheus Operator's): the group, kind and scope of the real ones with an open schema, so
 * the API server serves the kinds and admission sees their objects. Their own schema validation
 * is not what is tested here.
 */
function crd(group: string, kind: string, plural: string, version: string) {
    return {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: `${plural}.${group}` },
        spec: {
            group,
            scope: "Namespaced",
            names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
            versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
        },
    };
}

export const STAND_IN_CRDS = [crd("leaderworkerset.x-k8s.io", "LeaderWorkerSet", "leaderworkersets", "v1"), crd("keda.sh", "ScaledObject", "scaledobjects", "v1alpha1")];
