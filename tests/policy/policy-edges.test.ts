/**
 * Edges of the policies that the fixtures leave open (found by `npm run mutation` scoped to
 * policy/policies): each test pins what a user gets on one shape of input, with the exact message,
 * and every policy must read malformed objects (null entries, missing fields) without throwing.
 */
import { expect } from "chai";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { kubeObject } from "@vllm-pulumi/kube-parser";
import {
    hfTokenFromSecret,
    hpaNoGpuUtilization,
    hpaScaleDownStabilization,
    policies,
    serviceMonitorSelectsService,
    vllmHealthProbes,
    vllmShmSize,
    vllmTpMatchesGpus,
    vllmValuesLiteral,
} from "../../policy/policies";
import { podAccelerators } from "../../policy/policies/accelerators";
import { parallelismVerdicts } from "../../policy/policies/parallelism";
import { PolicyInput, runPolicies, validateResource, validateStack } from "../../policy/runPolicies";

const IMAGE = "vllm/vllm-openai:v0.11.0";
const HEALTHY = { readinessProbe: { httpGet: { path: "/health", port: 8000 } }, livenessProbe: { httpGet: { path: "/health", port: 8000 } } };

/** A Deployment manifest around one pod spec. */
function deployment(spec: object, name = "vllm"): PolicyInput {
    const props = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: "serving" }, spec: { template: { spec } } };
    return { type: undefined as unknown as string, name, props } as PolicyInput;
}

/** A manifest object as check-manifests passes it. */
function manifest(props: any): PolicyInput {
    return { type: undefined as unknown as string, name: props?.metadata?.name ?? "x", props } as PolicyInput;
}

async function messagesOf(policy: ResourceValidationPolicy, input: PolicyInput, config = {}): Promise<string[]> {
    return (await validateResource(policy, input, config)).map(v => v.message);
}

function verdictsOf(props: any) {
    return parallelismVerdicts(kubeObject(undefined, props)!).map(v => `${v.kind}: ${v.message}`);
}

describe("policy edges", () => {
    describe("vllm-tp-matches-gpus: counts and multi-node", () => {
        it("names a GPU count that is not a number", async () => {
            const d = deployment({ containers: [{ name: "vllm", image: IMAGE, args: ["-tp", "2"], resources: { limits: { "nvidia.com/gpu": "two" } } }] });
            expect(await messagesOf(vllmTpMatchesGpus, d)).to.deep.equal([
                'container "vllm": limits "nvidia.com/gpu" is "two", which is not a number. Set limits and requests "nvidia.com/gpu" to the same value as the flag.',
            ]);
        });
        it("says how to fix a request that differs from the flag", async () => {
            const d = deployment({ containers: [{ name: "vllm", image: IMAGE, args: ["-tp", "1"], resources: { limits: { "nvidia.com/gpu": 1 }, requests: { "nvidia.com/gpu": 2 } } }] });
            expect(await messagesOf(vllmTpMatchesGpus, d)).to.deep.equal([
                'container "vllm": -tp 1 needs 1 GPU but requests "nvidia.com/gpu" is 2. Set requests "nvidia.com/gpu" to 1.',
            ]);
        });
        it("asks for the limit when only a request is set", async () => {
            const d = deployment({ containers: [{ name: "vllm", image: IMAGE, resources: { requests: { "nvidia.com/gpu": 1 } } }] });
            expect(await messagesOf(vllmTpMatchesGpus, d)).to.deep.equal([
                'container "vllm": tensor-parallel size 1 (no --tensor-parallel-size flag) needs 1 GPU but has requests but no limits "nvidia.com/gpu". Set limits and requests "nvidia.com/gpu" to 1.',
            ]);
        });
        it("names the template variables of a product it cannot compute", () => {
            const d = deployment({ containers: [{ name: "vllm", image: IMAGE, args: ["-tp", "${TP}", "-pp", "${PP}"], resources: { limits: { "nvidia.com/gpu": 4 } } }] });
            expect(verdictsOf(d.props)).to.deep.equal([
                'unresolved: container "vllm": cannot check -tp ${TP} x -pp ${PP} against limits "nvidia.com/gpu" 4: "${TP}", "${PP}" are template variables with no literal value here. Write the flag and the GPU count literally, or as the same variable.',
            ]);
        });
        it("a variable times a number is not the variable: cannot check", () => {
            const d = deployment({ containers: [{ name: "vllm", image: IMAGE, args: ["-tp", "${TP}", "-pp", "2"], resources: { limits: { "nvidia.com/gpu": "${TP}" } } }] });
            expect(verdictsOf(d.props)).to.have.length(1);
            expect(verdictsOf(d.props)[0]).to.match(/^unresolved: /);
        });
        it("splits TP x PP x DP over --nnodes pods, and checks the whole world when it does not divide", () => {
            const pod = (gpus: number, args: string[]) => deployment({ containers: [{ name: "vllm", image: IMAGE, args, resources: { limits: { "nvidia.com/gpu": gpus } } }] }).props;
            expect(verdictsOf(pod(4, ["-tp", "4", "-pp", "2", "--nnodes", "2"]))).to.deep.equal([]);
            expect(verdictsOf(pod(8, ["-tp", "4", "-pp", "2", "--nnodes", "2"]))).to.deep.equal([
                'mismatch: container "vllm": -tp 4 x -pp 2 needs 4 GPUs but limits "nvidia.com/gpu" is 8. Set limits and requests "nvidia.com/gpu" to 4, or change the flag.',
            ]);
            // 3 does not split over 2 pods: the pod is checked against the whole world.
            expect(verdictsOf(pod(3, ["-tp", "3", "--nnodes", "2"]))).to.deep.equal([]);
            expect(verdictsOf(pod(2, ["-tp", "3", "--nnodes", "2"]))).to.deep.equal([
                'mismatch: container "vllm": -tp 3 needs 3 GPUs but limits "nvidia.com/gpu" is 2. Set limits and requests "nvidia.com/gpu" to 3, or change the flag.',
            ]);
            expect(verdictsOf(pod(1, ["--nnodes", "1"]))).to.deep.equal([]);
        });
        it("ignores vLLM in an init container (it never serves)", () => {
            const d = deployment({ initContainers: [{ name: "warm", image: IMAGE, args: ["-tp", "8"] }], containers: [{ name: "app", image: "busybox:1.36" }] });
            expect(verdictsOf(d.props)).to.deep.equal([]);
        });
        it("calls a runtime-less KServe InferenceService's missing GPUs a mismatch, not the runtime's business", () => {
            const isvc = { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name: "i" }, spec: { predictor: { containers: [{ name: "kserve-container", image: IMAGE, args: ["-tp", "2"] }] } } };
            expect(verdictsOf(isvc)[0]).to.match(/^mismatch: predictor container "kserve-container": -tp 2 needs 2 GPUs but has no limits/);
        });
        it("names a vLLM server without an image", () => {
            const d = deployment({ containers: [{ name: "vllm", command: ["vllm", "serve", "m"] }] });
            expect(verdictsOf(d.props)[0]).to.contain("it runs vLLM (vllm serve) on an image the manifest does not name;");
            const m = deployment({ containers: [{ name: "vllm", image: "python:3.12", command: ["python3", "-m", "vllm.entrypoints.openai.api_server"] }] });
            expect(verdictsOf(m.props)[0]).to.contain('it runs vLLM (python -m vllm.entrypoints) on image "python:3.12", which is not one of vLLM\'s images;');
        });
    });

    describe("vllm-tp-matches-gpus on LeaderWorkerSets", () => {
        const lws = (size: unknown, leaderGpus: unknown, workerGpus: unknown, args = ["-tp", "8", "-pp", "2"]) => ({
            apiVersion: "leaderworkerset.x-k8s.io/v1", kind: "LeaderWorkerSet", metadata: { name: "l" },
            spec: { leaderWorkerTemplate: {
                size,
                leaderTemplate: { spec: { containers: [{ name: "leader", image: IMAGE, command: ["vllm", "serve", "m", ...args], resources: { limits: { "nvidia.com/gpu": leaderGpus } } }] } },
                workerTemplate: { spec: { containers: [{ name: "worker", image: IMAGE, command: ["ray", "start"], resources: { limits: { "nvidia.com/gpu": workerGpus } } }] } },
            } },
        });
        it("adds up a leader and workers with different GPUs", () => {
            expect(verdictsOf(lws(3, 4, 8))).to.deep.equal([
                'mismatch: leader container "leader": -tp 8 x -pp 2 needs 16 GPUs across the group, but the LeaderWorkerSet gives a leader with 4 GPUs and 2 workers with 8 = 20. ' +
                    "Make size x GPUs per pod equal tensor-parallel x pipeline-parallel size (e.g. --pipeline-parallel-size = size, --tensor-parallel-size = GPUs per pod).",
            ]);
            expect(verdictsOf(lws(3, 0, 8))).to.deep.equal([]);
        });
        it("cannot check a templated size, and says which value", () => {
            expect(verdictsOf(lws("{{ .Values.size }}", 8, 8))).to.deep.equal([
                'unresolved: leader container "leader": cannot check -tp 8 x -pp 2 against the LeaderWorkerSet\'s GPUs (size x GPUs per pod): "{{ .Values.size }}" is not a literal number. ' +
                    "The manifest is an unrendered Helm template: render it with `helm template` first, then check the output.",
            ]);
            expect(verdictsOf(lws(2, "${GPUS}", 8))[0]).to.match(/^unresolved: .*: a GPU count is not a literal number\. Write the flags, size and GPU counts literally\.$/);
            expect(verdictsOf(lws(2, 8, 8, ["-tp", "${TP}"]))[0]).to.contain('"${TP}" is not a literal number. Write the flags, size and GPU counts literally.');
        });
        it("reads a size-1 LeaderWorkerSet as one pod", () => {
            expect(verdictsOf(lws(1, 16, 8))).to.deep.equal([]);
            expect(verdictsOf(lws(1, 8, 8))[0]).to.match(/^mismatch: leader container "leader": -tp 8 x -pp 2 needs 16 GPUs but limits "nvidia.com\/gpu" is 8\./);
        });
    });

    describe("operators' objects", () => {
        const graph = (svc: object) => ({ apiVersion: "nvidia.com/v1alpha1", kind: "DynamoGraphDeployment", metadata: { name: "g" }, spec: { services: { W: svc } } });
        const worker = (resources: object, args = ["-tp", "2"]) => ({ resources, extraPodSpec: { mainContainer: { command: ["python3", "-m", "dynamo.vllm"], args } } });
        it("names a GPU count that is not a number, and an ambiguous abbreviation", () => {
            expect(verdictsOf(graph(worker({ limits: { gpu: "two" } })))).to.deep.equal(['mismatch: service "W": resources.limits.gpu is "two", which is not a number.']);
            expect(verdictsOf(graph(worker({ limits: { gpu: "1" } }, ["-d", "2"])))).to.deep.equal([
                'mismatch: service "W": "-d" is an ambiguous abbreviation (it could be -dp, -dpl, -dpn, -dpr, -dpa, -dpp, -dpb, -dph, -dpe, -dcp): argparse refuses it and vLLM exits at start-up. Write the flag in full.',
            ]);
        });
        it("takes the same variable on both sides as equal, other variables as cannot check", () => {
            expect(verdictsOf(graph(worker({ limits: { gpu: "${TP}" } }, ["-tp", "${TP}"])))).to.deep.equal([]);
            expect(verdictsOf(graph(worker({ limits: { gpu: "${GPUS}" } }, ["-tp", "${TP}"])))).to.deep.equal([
                'unresolved: service "W": cannot check -tp ${TP} against resources.limits.gpu: "${TP}", "${GPUS}" not a literal number. Write the flags and the GPU count literally.',
            ]);
            expect(verdictsOf(graph(worker({ requests: { gpu: "{{ .Values.gpus }}" } }, ["-tp", "2"])))).to.deep.equal([
                'unresolved: service "W": cannot check -tp 2 needs 2 GPUs against resources.limits.gpu: "{{ .Values.gpus }}" not a literal number. The manifest is an unrendered Helm template: render it with `helm template` first, then check the output.',
            ]);
        });
        it("checks a multi-node engine's world only when every factor is known", () => {
            const multi = (gpu: string, args: string[]) => graph({ ...worker({ limits: { gpu } }, args), multinode: { nodeCount: 2 } });
            expect(verdictsOf(multi("${G}", ["-tp", "${G}"]))[0]).to.match(/^unresolved: /);
            expect(verdictsOf(multi("4", ["-tp", "4", "-dp", "2", "--data-parallel-size-local", "1"]))).to.deep.equal([]);
        });
        it("reads a KubeAI Model without a resource profile as cannot check", () => {
            const model = { apiVersion: "kubeai.org/v1", kind: "Model", metadata: { name: "m" }, spec: { engine: "vllm", args: ["-tp", "2"] } };
            expect(verdictsOf(model)).to.deep.equal(['unresolved: Model "m": cannot check -tp 2 needs 2 GPUs against its GPUs: it sets no resourceProfile (<profile>:<count>).']);
            const amd = { ...model, spec: { ...model.spec, resourceProfile: "amd-gpu-mi300x:2" } };
            expect(verdictsOf(amd)).to.deep.equal([]);
        });
    });

    describe("vllm-shm-size", () => {
        const pod = (extra: object, mounts: unknown[] = [{ name: "shm", mountPath: "/dev/shm/" }]) =>
            deployment({ containers: [{ name: "vllm", image: IMAGE, args: ["-tp", "2"], resources: { limits: { "nvidia.com/gpu": 2 } }, volumeMounts: mounts, ...HEALTHY }], ...extra });
        it("names a mount without a volume, a size that is not a quantity, and accepts the host's /dev/shm", async () => {
            expect(await messagesOf(vllmShmSize, pod({ volumes: [{ name: "other", emptyDir: {} }] }))).to.deep.equal([
                'container "vllm" runs 2 GPU workers (tensor-parallel 2) but mounts volume "shm" at /dev/shm, which the pod does not define. Mount an emptyDir { medium: Memory, sizeLimit: 16Gi } at /dev/shm.',
            ]);
            expect(await messagesOf(vllmShmSize, pod({ volumes: [{ name: "shm", emptyDir: { medium: "Memory", sizeLimit: "lots" } }] }))).to.deep.equal([
                'container "vllm" runs 2 GPU workers (tensor-parallel 2) but has /dev/shm sizeLimit "lots", which is not a valid quantity. Mount an emptyDir { medium: Memory, sizeLimit: 16Gi } at /dev/shm.',
            ]);
            expect(await messagesOf(vllmShmSize, pod({ volumes: [{ name: "shm", hostPath: { path: "/dev/shm" } }] }))).to.deep.equal([]);
            expect(await messagesOf(vllmShmSize, pod({ volumes: [{ name: "shm", hostPath: { path: "/tmp" } }] }))).to.have.length(1);
            expect(await messagesOf(vllmShmSize, pod({ volumes: [null, { name: "shm", emptyDir: { medium: "Memory", sizeLimit: null } }] }, [null, { name: "x" }, { name: "shm", mountPath: "/dev/shm" }]))).to.deep.equal([]);
        });
    });

    describe("vllm-health-probes", () => {
        const withProbe = (readinessProbe: unknown) => deployment({ containers: [{ name: "vllm", image: IMAGE, readinessProbe, livenessProbe: HEALTHY.livenessProbe }] });
        it("says what a probe checks instead of /health", async () => {
            const cases: Array<[unknown, string]> = [
                [{ httpGet: { port: 8000 } }, "httpGet /"],
                [{ exec: { command: ["cat", "/tmp/ready"] } }, "exec"],
                [{ tcpSocket: { port: 8000 } }, "tcpSocket"],
                [{ grpc: { port: 9000 } }, "grpc"],
                [{ periodSeconds: 5 }, "no handler"],
            ];
            for (const [probe, target] of cases) {
                expect(await messagesOf(vllmHealthProbes, withProbe(probe)), target).to.deep.equal([
                    `container "vllm": readinessProbe uses ${target}, not /health. Point it at httpGet { path: /health }.`,
                ]);
            }
            expect(await messagesOf(vllmHealthProbes, withProbe({ exec: { command: [1, "curl", "-f", "localhost:8000/health"] } }))).to.deep.equal([]);
            expect(await messagesOf(vllmHealthProbes, withProbe({ httpGet: { path: "/health?x=1" } }))).to.deep.equal([]);
        });
        it("leaves an init container running vLLM alone", async () => {
            expect(await messagesOf(vllmHealthProbes, deployment({ initContainers: [{ name: "dl", image: IMAGE }], containers: [] }))).to.deep.equal([]);
        });
    });

    describe("hf-token-from-secret", () => {
        const ctr = (c: object) => deployment({ containers: [{ name: "vllm", image: IMAGE, ...c }] });
        it("finds a literal token in args, with or without the flag, and never prints it", async () => {
            expect(await messagesOf(hfTokenFromSecret, ctr({ args: ["--hf-token", "hf_abcdefghijklmnopqrstuvwxyz012345"] }))).to.deep.equal([
                'container "vllm": --hf-token is given a literal token (redacted). Remove it and set HF_TOKEN from a Secret with valueFrom.secretKeyRef.',
            ]);
            expect(await messagesOf(hfTokenFromSecret, ctr({ command: ["sh", "-c", "huggingface-cli login --token hf_abcdefghijklmnopqrstuvwxyz012345 && vllm serve m"] }))).to.deep.equal([
                'container "vllm": command/args contain a literal Hugging Face token (hf_..., redacted). Set HF_TOKEN from a Secret with valueFrom.secretKeyRef.',
            ]);
            expect(await messagesOf(hfTokenFromSecret, ctr({ args: ["--hf-token", "$(HF_TOKEN)"] }))).to.deep.equal([]);
            expect(await messagesOf(hfTokenFromSecret, ctr({ args: ["--hf-token"] }))).to.deep.equal([]);
            expect(await messagesOf(hfTokenFromSecret, ctr({ env: [null, { name: "OTHER", value: "x" }, { value: "y" }] }))).to.deep.equal([]);
        });
    });

    describe("autoscalers", () => {
        const hpa = (behavior: unknown, metrics: unknown = [{ type: "Pods", pods: { metric: { name: "vllm:num_requests_waiting" }, target: { type: "AverageValue", averageValue: "5" } } }]) =>
            manifest({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "h", namespace: "serving" }, spec: { behavior, metrics } });
        it("reads the scale-down window of an HPA and of a ScaledObject, and only theirs", async () => {
            expect(await messagesOf(hpaScaleDownStabilization, hpa({ scaleDown: { stabilizationWindowSeconds: 60 } }))).to.deep.equal([
                "spec.behavior.scaleDown.stabilizationWindowSeconds is 60s, below 300s: every scale-down is followed by a multi-minute weight load on the next burst. Set it to 300 or more.",
            ]);
            expect(await messagesOf(hpaScaleDownStabilization, hpa({ scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: "Disabled" } }))).to.deep.equal([]);
            expect(await messagesOf(hpaScaleDownStabilization, hpa({ scaleDown: { stabilizationWindowSeconds: null } }))).to.deep.equal([]);
            expect(await messagesOf(hpaScaleDownStabilization, hpa(undefined))).to.deep.equal([]);
            const deploymentWithBehavior = manifest({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { behavior: { scaleDown: { stabilizationWindowSeconds: 1 } } } });
            expect(await messagesOf(hpaScaleDownStabilization, deploymentWithBehavior)).to.deep.equal([]);
            expect(await messagesOf(hpaScaleDownStabilization, hpa({ scaleDown: { stabilizationWindowSeconds: 60 } }), { "hpa-scale-down-stabilization": { minSeconds: 30 } })).to.deep.equal([]);
        });
        it("passes an HPA without metrics, and matches extraPatterns case-insensitively", async () => {
            expect(await messagesOf(hpaNoGpuUtilization, hpa(undefined, []))).to.deep.equal([]);
            const custom = hpa(undefined, [{ type: "Pods", pods: { metric: { name: "My_Accel_Busy" }, target: { type: "AverageValue", averageValue: "50" } } }]);
            expect(await messagesOf(hpaNoGpuUtilization, custom)).to.deep.equal([]);
            expect(await messagesOf(hpaNoGpuUtilization, custom, { "hpa-no-gpu-utilization": { extraPatterns: ["my_accel"] } })).to.have.length(1);
        });
    });

    describe("servicemonitor-selects-service", () => {
        const svc = (ns: string, labels: object, ports: unknown = [{ name: "http", port: 8000 }]) =>
            manifest({ apiVersion: "v1", kind: "Service", metadata: { name: `svc-${ns}`, namespace: ns, labels }, spec: { ports } });
        const sm = (spec: object, ns = "serving") => manifest({ apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "sm", namespace: ns }, spec });
        const run = async (objects: PolicyInput[]) => (await validateStack(serviceMonitorSelectsService, objects, {})).map(v => v.message);
        it("follows namespaceSelector any and matchNames", async () => {
            const other = svc("other", { app: "vllm" });
            expect(await run([other, sm({ selector: { matchLabels: { app: "vllm" } }, namespaceSelector: { any: true }, endpoints: [{ port: "http" }] })])).to.deep.equal([]);
            expect(await run([other, sm({ selector: { matchLabels: { app: "vllm" } }, namespaceSelector: { matchNames: ["other"] }, endpoints: [{ port: "http" }] })])).to.deep.equal([]);
            expect(await run([other, sm({ selector: { matchLabels: { app: "vllm" } }, namespaceSelector: { matchNames: [] }, endpoints: [{ port: "http" }] })])).to.have.length(1);
        });
        it("names what it saw when nothing matches, and a port that is not named", async () => {
            const found = await run([svc("serving", { app: "web", tier: "x" }), sm({ selector: { matchLabels: { app: "vllm" } }, endpoints: [{ port: "http" }] })]);
            expect(found).to.deep.equal([
                "selector app=vllm matches no Service in the stack (Services there: svc-serving {app=web,tier=x}). " +
                    "Prometheus will never scrape vLLM, so vllm:num_requests_waiting never reaches the HPA. Make spec.selector match the vLLM Service's labels.",
            ]);
            const none = await run([sm({ selector: { matchLabels: { app: "vllm" } } })]);
            expect(none[0]).to.contain("(no Service in its namespace(s))");
            const port = await run([svc("serving", { app: "vllm" }, [{ name: "metrics", port: 8000 }, null]), sm({ selector: { matchLabels: { app: "vllm" } }, endpoints: [{ port: "http" }, { targetPort: 8000 }, null] })]);
            expect(port).to.deep.equal([
                'spec.endpoints[0].port "http" is not a named port of svc-serving. Name the Service port "http" (the recipe uses http on 8000) or fix the endpoint.',
            ]);
        });
    });

    describe("accelerators", () => {
        it("sums a pod's app containers, counting a request when there is no limit, unknown when one is a variable", () => {
            expect(podAccelerators({ containers: [{ resources: { limits: { "nvidia.com/gpu": 2 } } }, { resources: { requests: { "nvidia.com/gpu": 1 } } }, null, {}] })).to.equal(3);
            expect(podAccelerators({ containers: [{ resources: { limits: { "nvidia.com/gpu": "${G}" } } }] })).to.equal(undefined);
            expect(podAccelerators(undefined)).to.equal(0);
        });
    });

    describe("every policy on malformed objects", () => {
        const odd: any[] = [
            { apiVersion: "apps/v1", kind: "Deployment" },
            { apiVersion: "apps/v1", kind: "Deployment", metadata: null, spec: null },
            { apiVersion: "apps/v1", kind: "Deployment", spec: { template: { spec: { containers: [null, { name: "v", image: IMAGE, env: null, volumeMounts: null, resources: null, readinessProbe: null }], volumes: null } } } },
            { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", spec: null },
            { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", spec: { advanced: null } },
            { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor" },
            { apiVersion: "v1", kind: "Service", metadata: {} },
            { apiVersion: "kubeai.org/v1", kind: "Model" },
            { apiVersion: "nvidia.com/v1alpha1", kind: "DynamoGraphDeployment", spec: { services: { A: null, B: { extraPodSpec: null } } } },
            { apiVersion: "leaderworkerset.x-k8s.io/v1", kind: "LeaderWorkerSet", spec: { leaderWorkerTemplate: null } },
        ];
        it("reports without throwing", async () => {
            const violations = await runPolicies(policies, odd.map(manifest), {});
            expect(violations.map(v => `${v.policy}: ${v.message}`)).to.deep.equal([
                'vllm-tp-matches-gpus: container "v": tensor-parallel size 1 (no --tensor-parallel-size flag) needs 1 GPU but has no limits "nvidia.com/gpu": image "vllm/vllm-openai:v0.11.0" is vLLM\'s GPU build, which stops at start-up when it finds no GPU. Set limits and requests "nvidia.com/gpu" to 1, or run vLLM\'s CPU image for CPU inference.',
                'vllm-health-probes: container "v" has no readinessProbe. Add readinessProbe: httpGet { path: /health, port: 8000 }.',
                'vllm-health-probes: container "v" has no livenessProbe. Add livenessProbe: httpGet { path: /health, port: 8000 }.',
            ]);
        });
        it("reads a templated image as cannot check, naming it", async () => {
            const d = deployment({ containers: [{ name: "vllm", image: "vllm/vllm-openai:${TAG}", resources: { limits: { "nvidia.com/gpu": 1 } } }] });
            expect(await messagesOf(vllmValuesLiteral, d)).to.deep.equal(['container "vllm": cannot check that image "vllm/vllm-openai:${TAG}" is pinned: it is a template variable. Fill it in before checking.']);
        });
    });
});
