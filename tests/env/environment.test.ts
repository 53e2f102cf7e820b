/**
 * The local environment as a user depends on it: kubectl from the host shell works, pods of a
 * vLLM Deployment get routable (non-loopback) IPs that fill the Service's EndpointSlice, each runs
 * a simulator process, and the component's own startup budget decides between Ready and restarts.
 * Everything the test started is stopped by PID, also on failure.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { deploymentArgs } from "../../components/manifests/deployment";
import { validateArgs } from "../../components/validate";
import { Environment, environmentProcesses, startEnvironment, stopEnvironment } from "../../env/environment";
import { SIM_ANNOTATION_PREFIX } from "../../env/pods/vllmContainer";
import { groupMembers, pidAlive } from "../../env/process";
import { REPO_ROOT } from "../../scripts/toolchain";
import { Kube, eventually, kubeClients } from "../support/kube";

const STATE_DIR = path.join(REPO_ROOT, ".cache", "test-env");

/** The component's Deployment for a startup budget, with the simulator's load time as a pod annotation. */
function componentDeployment(name: string, namespace: string, startupTimeoutSeconds: number, loadSeconds: number): object[] {
    const m = validateArgs(name, { model: "Qwen/Qwen2.5-0.5B-Instruct", modelRevision: "7ae557604adf67be50417f59c2c2f167def9a775", namespace, name, startupTimeoutSeconds, minReplicas: 1 });
    const d = JSON.parse(JSON.stringify(deploymentArgs(m)));
    d.spec.replicas = 1;
    d.spec.template.metadata.annotations = { [`${SIM_ANNOTATION_PREFIX}load-seconds`]: String(loadSeconds) };
    // The Secret the component would create beside it (the container reads VLLM_API_KEY from it).
    const key = { apiVersion: "v1", kind: "Secret", metadata: { name: `${name}-api-key`, namespace }, stringData: { "api-key": `key-${name}` } };
    return [key, { apiVersion: "apps/v1", kind: "Deployment", ...d }];
}

describe("@integration @elasticity local environment: pods that run", function () {
    this.timeout(10 * 60_000);
    let env: Environment;
    let kube: Kube;
    const ns = "env-test";

    before(async function () {
        env = await startEnvironment({ stateDir: STATE_DIR });
        kube = kubeClients(env.kubeconfig, env.kubectl);
        kube.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }]);
    });

    after(async function () {
        if (env) await stopEnvironment({ stateDir: STATE_DIR });
    });

    it("serves kubectl from the host shell through the printed KUBECONFIG", () => {
        expect(kube.kubectl(["get", "nodes", "-o", "name"])).to.match(/node\/kwok-gpu-0/);
        expect(fs.statSync(env.kubeconfig).mode & 0o077).to.equal(0, "the kubeconfig holds an admin key: owner-only");
    });

    it("runs a simulator on each pod IP, gates readiness on /health, and fills the EndpointSlice", async () => {
        kube.apply([
            ...componentDeployment("fast", ns, 60, 2),
            { apiVersion: "v1", kind: "Service", metadata: { name: "fast", namespace: ns }, spec: { selector: { "app.kubernetes.io/instance": "fast" }, ports: [{ name: "http", port: 8000, targetPort: "http" }] } },
        ]);
        const pod = await eventually(
            "the pod to be Ready",
            async () => (await kube.core.listNamespacedPod({ namespace: ns, labelSelector: "app.kubernetes.io/instance=fast" })).items.find((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")),
            60_000,
        );
        expect(pod.status?.podIP).to.match(/^10\.244\./);
        expect(pod.status?.containerStatuses?.[0].restartCount).to.equal(0);
        const ready = new Date(pod.status!.conditions!.find((c) => c.type === "Ready")!.lastTransitionTime!).getTime();
        const started = new Date(pod.status!.startTime!).getTime();
        expect(ready - started).to.be.at.least(2_000, "not Ready before the simulator finished loading");
        const slices = await eventually(
            "an EndpointSlice with the pod's IP",
            async () => {
                const s = await kube.discovery.listNamespacedEndpointSlice({ namespace: ns, labelSelector: "kubernetes.io/service-name=fast" });
                return s.items.some((i) => i.endpoints.some((e) => e.addresses.includes(pod.status!.podIP!) && e.conditions?.ready)) ? s : undefined;
            },
            30_000,
        );
        expect(slices.items.length).to.be.greaterThan(0);
    });

    it("restarts a pod whose load time exceeds startupTimeoutSeconds, and keeps it unready", async () => {
        kube.apply(componentDeployment("slow", ns, 30, 120));
        const pod = await eventually(
            "a restart of the slow pod",
            async () => (await kube.core.listNamespacedPod({ namespace: ns, labelSelector: "app.kubernetes.io/instance=slow" })).items.find((p) => (p.status?.containerStatuses?.[0].restartCount ?? 0) >= 1),
            90_000,
        );
        expect(pod.status?.conditions?.find((c) => c.type === "Ready")?.status).to.equal("False");
        expect(pod.status?.containerStatuses?.[0].lastState?.terminated).to.not.equal(undefined);
    });

    it("stops every process it started", async () => {
        const before = environmentProcesses(STATE_DIR);
        expect(before.every((p) => p.running)).to.equal(true);
        expect(before.map((p) => p.name).slice(0, 6), "recorded in start order").to.deep.equal(["netns", "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"]);
        // The simulators are the pod runner's children, in its process group: stopped with it.
        const runner = before.find((p) => p.name === "pod-runner")!;
        const sims = groupMembers(runner.pid).filter((pid) => pid !== runner.pid);
        expect(sims.length).to.be.greaterThan(0);
        await stopEnvironment({ stateDir: STATE_DIR });
        env = undefined as unknown as Environment;
        expect([...before.map((p) => p.pid), ...sims].filter(pidAlive)).to.deep.equal([]);
    });
});
