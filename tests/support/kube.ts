/** Typed reads from the API server for tests (never from Pulumi state), and a bounded poll. */
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, CustomObjectsApi, DiscoveryV1Api, KubeConfig } from "@kubernetes/client-node";
import { execFileSync } from "child_process";
import { stringify } from "yaml";
import { waitFor } from "../../env/process";

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

/** env/process.ts waitFor with the tests' positional arguments (500 ms between checks by default). */
export function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 500): Promise<T> {
    return waitFor(what, check, { timeoutMs, intervalMs });
}
