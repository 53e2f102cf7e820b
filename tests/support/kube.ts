/** Typed reads from the API server for tests (never from Pulumi state), and a bounded poll. */
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, CustomObjectsApi, DiscoveryV1Api, KubeConfig } from "@kubernetes/client-node";
import { execFileSync } from "child_process";
import { stringify } from "yaml";

export interface Kube {
    core: CoreV1Api;
    apps: AppsV1Api;
    autoscaling: AutoscalingV2Api;
    discovery: DiscoveryV1Api;
    custom: CustomObjectsApi;
    /** `kubectl apply --server-side` of objects (what a user's manifests go through). */
    apply(objects: object[]): string;
    kubectl(args: string[], input?: string): string;
}

export function kubeClients(kubeconfig: string, kubectlPath = "kubectl"): Kube {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const kubectl = (args: string[], input?: string) =>
        execFileSync(kubectlPath, ["--kubeconfig", kubeconfig, ...args], { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    return {
        core: kc.makeApiClient(CoreV1Api),
        apps: kc.makeApiClient(AppsV1Api),
        autoscaling: kc.makeApiClient(AutoscalingV2Api),
        discovery: kc.makeApiClient(DiscoveryV1Api),
        custom: kc.makeApiClient(CustomObjectsApi),
        kubectl,
        apply: (objects) =>
            kubectl(["apply", "--server-side", "--field-manager=tests", "-f", "-"], objects.map((o) => stringify(o)).join("---\n")),
    };
}

/** Polls until `check` returns a value (not undefined), or fails naming `what` and the last value seen. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 500): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const v = await check();
            if (v !== undefined) return v;
        } catch (e) {
            last = (e as Error).message;
        }
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last: ${last})` : ""}`);
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}
