/**
 * The three policies the project exists for: messages name the container and the offending
 * value and say what to do; options and Pulumi-shaped inputs behave like manifests.
 */
import { expect } from "chai";
import { hpaNoGpuUtilization, vllmImagePinned, vllmTpMatchesGpus } from "../../policy/policies";
import { validateResource } from "../../policy/runPolicies";
import { fixture, messages, runResourcePolicy } from "./support";

describe("vllm-image-pinned", () => {
    it("names the container, the image and why it is not pinned", async () => {
        expect(messages(await runResourcePolicy(vllmImagePinned, "image-latest-tag.yaml"))).to.deep.equal([
            'container "vllm": image "vllm/vllm-openai:latest" uses the floating tag "latest". Pin an exact version tag (e.g. vllm/vllm-openai:v0.11.0) or a digest (@sha256:...).',
        ]);
        const cases: Array<[string, string]> = [
            ["image-no-tag.yaml", 'image "vllm/vllm-openai" has no tag'],
            ["image-nightly-tag.yaml", 'floating tag "nightly"'],
            ["recipe-placeholder-tag.yaml", 'image "vllm/vllm-openai:<pinned-tag>" holds the placeholder "<pinned-tag>": fill in the real tag'],
            ["image-registry-port-no-tag.yaml", 'image "registry.local:5000/vllm/vllm-openai" has no tag'],
            ["image-digest-malformed.yaml", "malformed digest"],
            ["image-init-container-latest.yaml", 'init container "fetch-weights"'],
        ];
        for (const [file, text] of cases) {
            expect(messages(await runResourcePolicy(vllmImagePinned, file)).join("\n"), file).to.include(text);
        }
    });

    it("with requireDigest, rejects version tags and accepts digests", async () => {
        const config = { "vllm-image-pinned": { requireDigest: true } };
        const tagged = await runResourcePolicy(vllmImagePinned, "image-registry-port-pinned.yaml", config);
        expect(messages(tagged)).to.have.length(1);
        expect(tagged[0].message).to.include("not pinned by digest").and.include("Pin it by digest");
        expect(await runResourcePolicy(vllmImagePinned, "image-digest.yaml", config)).to.deep.equal([]);
        expect(await runResourcePolicy(vllmImagePinned, "image-tag-and-digest.yaml", config)).to.deep.equal([]);
    });

    it("is mandatory by default, and its level follows the policy config", async () => {
        expect((await runResourcePolicy(vllmImagePinned, "image-latest-tag.yaml"))[0].enforcementLevel).to.equal("mandatory");
        expect((await runResourcePolicy(vllmImagePinned, "image-latest-tag.yaml", { "vllm-image-pinned": "advisory" }))[0].enforcementLevel).to.equal("advisory");
        expect(await runResourcePolicy(vllmImagePinned, "image-latest-tag.yaml", { all: "disabled" })).to.deep.equal([]);
    });

    it("checks a Pulumi resource (type kubernetes:apps/v1:Deployment, props = inputs) exactly like the manifest", async () => {
        const [manifest] = fixture("image-latest-tag.yaml");
        const resource = { type: "kubernetes:apps/v1:Deployment", name: "vllm", props: { ...manifest.props } };
        expect(messages(await validateResource(vllmImagePinned, resource))).to.deep.equal(messages(await validateResource(vllmImagePinned, manifest)));
        // Other providers' resources are ignored.
        expect(await validateResource(vllmImagePinned, { type: "random:index/randomPassword:RandomPassword", name: "k", props: { length: 32 } })).to.deep.equal([]);
    });
});

describe("vllm-tp-matches-gpus", () => {
    const cases: Array<[string, string]> = [
        ["tp-flag-equals-mismatch.yaml", 'container "vllm": --tensor-parallel-size 4 needs 4 GPUs but limits "nvidia.com/gpu" is 2. Set limits and requests "nvidia.com/gpu" to 4'],
        ["tp-flag-two-items-mismatch.yaml", "--tensor-parallel-size 4 needs 4 GPUs but limits"],
        ["tp-short-alias-mismatch.yaml", "-tp 4 needs 4 GPUs"],
        ["tp-underscore-flag-mismatch.yaml", "--tensor_parallel_size 2 needs 2 GPUs"],
        ["tp-flag-in-command-mismatch.yaml", "--tensor-parallel-size 2 needs 2 GPUs"],
        ["tp-vllm-serve-form-mismatch.yaml", "--tensor-parallel-size 8 needs 8 GPUs"],
        ["tp-sh-c-string-mismatch.yaml", "--tensor-parallel-size 4 needs 4 GPUs"],
        ["tp-pipeline-parallel-mismatch.yaml", "--tensor-parallel-size 2 x --pipeline-parallel-size 2 needs 4 GPUs"],
        ["tp-no-flag-two-gpus.yaml", 'tensor-parallel size 1 (no --tensor-parallel-size flag) needs 1 GPU but limits "nvidia.com/gpu" is 2'],
        ["tp-no-gpu-limit.yaml", 'has no limits "nvidia.com/gpu"'],
        ["tp-request-mismatch.yaml", 'requests "nvidia.com/gpu" is 1'],
    ];
    for (const [file, text] of cases) {
        it(`${file}: one violation that says "${text.slice(0, 60)}..."`, async () => {
            const found = messages(await runResourcePolicy(vllmTpMatchesGpus, file));
            expect(found).to.have.length(1);
            expect(found[0]).to.include(text);
        });
    }

    it("reads GPUs given as strings or numbers, and amd.com/gpu too", async () => {
        const deployment = (resources: object) => ({
            type: "kubernetes:apps/v1:Deployment",
            name: "d",
            props: { spec: { template: { spec: { containers: [{ name: "vllm", image: "vllm/vllm-openai:v0.8.5", args: ["-tp", "2"], resources }] } } } },
        });
        expect(await validateResource(vllmTpMatchesGpus, deployment({ limits: { "nvidia.com/gpu": "2" } }))).to.deep.equal([]);
        expect(await validateResource(vllmTpMatchesGpus, deployment({ limits: { "amd.com/gpu": 2 }, requests: { "amd.com/gpu": 2 } }))).to.deep.equal([]);
        expect(messages(await validateResource(vllmTpMatchesGpus, deployment({ limits: { "amd.com/gpu": 1 } })))[0]).to.include('limits "amd.com/gpu" is 1');
    });
});

describe("hpa-no-gpu-utilization", () => {
    const cases: Array<[string, string]> = [
        ["hpa-dcgm-gpu-util.yaml", 'spec.metrics[0].pods.metric.name (Pods) scales on GPU utilization "DCGM_FI_DEV_GPU_UTIL"'],
        ["hpa-v2beta2-dcgm-gpu-util.yaml", '"DCGM_FI_DEV_GPU_UTIL"'],
        ["hpa-resource-nvidia-gpu.yaml", 'spec.metrics[0].resource.name (Resource) scales on GPU utilization "nvidia.com/gpu"'],
        ["hpa-container-resource-nvidia-gpu.yaml", "spec.metrics[0].containerResource.name (ContainerResource)"],
        ["hpa-external-gpu-duty-cycle.yaml", '(External) scales on GPU utilization "nvidia_gpu_duty_cycle"'],
        ["hpa-object-gpu-utilization.yaml", '(Object) scales on GPU utilization "gpu_utilization"'],
        ["hpa-external-selector-dcgm.yaml", "metric.selector.matchLabels.query-name"],
        ["keda-gpu-util.yaml", 'spec.triggers[0].metadata.query (prometheus trigger) scales on GPU utilization "DCGM_FI_DEV_GPU_UTIL"'],
    ];
    for (const [file, text] of cases) {
        it(`${file}: names the metric and says to scale on vllm:num_requests_waiting`, async () => {
            const found = messages(await runResourcePolicy(hpaNoGpuUtilization, file));
            expect(found).to.have.length(1);
            expect(found[0]).to.include(text).and.include("vllm:num_requests_waiting");
        });
    }

    it("accepts queue depth, KV-cache usage and CPU; ignores autoscaling/v1", async () => {
        for (const file of ["hpa-queue-depth.yaml", "hpa-kv-cache-usage.yaml", "keda-queue-depth.yaml"]) {
            expect(await runResourcePolicy(hpaNoGpuUtilization, file), file).to.deep.equal([]);
        }
        const v1 = { type: "kubernetes:autoscaling/v1:HorizontalPodAutoscaler", name: "h", props: { spec: { targetCPUUtilizationPercentage: 80 } } };
        expect(await validateResource(hpaNoGpuUtilization, v1)).to.deep.equal([]);
    });

    it("flags more metric names through the extraPatterns option", async () => {
        const config = { "hpa-no-gpu-utilization": { extraPatterns: ["vllm:gpu_cache_usage_perc"] } };
        expect(messages(await runResourcePolicy(hpaNoGpuUtilization, "hpa-kv-cache-usage.yaml", config))).to.have.length(1);
    });
});
