/**
 * The pack on the shapes real vLLM deployments take beyond a Deployment: LeaderWorkerSet
 * multi-node serving, KServe runtimes and InferenceServices, templated values, vLLM's CPU build.
 * The fixtures are modelled on public manifests (vLLM's LWS and data-parallel guides, KServe's
 * runtimes, KubeAI, llm-d) and written for these tests.
 */
import { expect } from "chai";
import { vllmHealthProbes, vllmImagePinned, vllmShmSize, vllmTpMatchesGpus, vllmValuesLiteral } from "../../policy/policies";
import { fixture, messages, runResourcePolicy } from "./support";

describe("policy pack on LeaderWorkerSets", () => {
    it("checks TP x PP against size x GPUs per pod for the leader's Ray server", async () => {
        expect(messages(await runResourcePolicy(vllmTpMatchesGpus, "lws-ray-tp8-pp2-match.yaml"))).to.deep.equal([]);
        expect(messages(await runResourcePolicy(vllmTpMatchesGpus, "lws-ray-group-gpus-mismatch.yaml"))).to.deep.equal([
            'leader container "vllm-leader": --tensor-parallel-size 8 x --pipeline-parallel-size 4 needs 32 GPUs across the group, ' +
                "but the LeaderWorkerSet gives 2 pods (size) x 8 GPUs = 16. Make size x GPUs per pod equal tensor-parallel x pipeline-parallel size " +
                "(e.g. --pipeline-parallel-size = size, --tensor-parallel-size = GPUs per pod).",
        ]);
    });

    it("checks each pod's GPUs against its own process for multi-node data parallelism", async () => {
        const found = messages(await runResourcePolicy(vllmTpMatchesGpus, "lws-data-parallel-headless-mismatch.yaml"));
        expect(found).to.deep.equal([
            'worker container "vllm": --data-parallel-size 4 x --data-parallel-size-local 2 needs 2 GPUs but limits "nvidia.com/gpu" is 1. ' +
                'Set limits and requests "nvidia.com/gpu" to 2, or change the flag.',
        ]);
    });

    it("inspects both templates with the other vLLM rules (a headless worker serves no /health)", async () => {
        expect(messages(await runResourcePolicy(vllmHealthProbes, "lws-data-parallel-headless-mismatch.yaml"))).to.deep.equal([]);
        expect(messages(await runResourcePolicy(vllmShmSize, "lws-ray-tp8-pp2-match.yaml"))).to.deep.equal([]);
        const leaderOnly = fixture("lws-ray-tp8-pp2-match.yaml");
        leaderOnly[0].props.spec.leaderWorkerTemplate.leaderTemplate.spec.containers[0].image = "vllm/vllm-openai:latest";
        leaderOnly[0].props.spec.leaderWorkerTemplate.workerTemplate.spec.containers[0].image = "vllm/vllm-openai";
        const { validateResource } = await import("../../policy/runPolicies");
        const pinned = (await validateResource(vllmImagePinned, leaderOnly[0])).map(v => v.message);
        expect(pinned).to.have.length(2);
        expect(pinned[0]).to.match(/^leader container "vllm-leader": image "vllm\/vllm-openai:latest"/);
        expect(pinned[1]).to.match(/^worker container "vllm-worker": image "vllm\/vllm-openai" has no tag/);
    });
});

describe("policy pack on KServe", () => {
    it("inspects ServingRuntime and ClusterServingRuntime containers", async () => {
        expect(messages(await runResourcePolicy(vllmImagePinned, "kserve-servingruntime-vllm-latest.yaml"))).to.deep.equal([
            'container "kserve-container": image "vllm/vllm-openai:latest" uses the floating tag "latest". Pin an exact version tag (e.g. vllm/vllm-openai:v0.11.0) or a digest (@sha256:...).',
        ]);
        expect(messages(await runResourcePolicy(vllmTpMatchesGpus, "kserve-clusterservingruntime-tp-mismatch.yaml"))[0]).to.equal(
            'container "kserve-container": --tensor-parallel-size 4 needs 4 GPUs but limits "nvidia.com/gpu" is 1. Set limits and requests "nvidia.com/gpu" to 4, or change the flag.',
        );
    });

    it("says a runtime's GPUs come from the InferenceService instead of calling them missing", async () => {
        expect(messages(await runResourcePolicy(vllmTpMatchesGpus, "kserve-servingruntime-vllm-latest.yaml"))).to.deep.equal([]);
        const advice = messages(await runResourcePolicy(vllmValuesLiteral, "kserve-servingruntime-vllm-latest.yaml"));
        expect(advice).to.have.length(1);
        expect(advice[0]).to.include("a KServe serving runtime sets no GPUs, the InferenceService does");
    });

    it("inspects an InferenceService's predictor containers, and leaves KServe's own Hugging Face server alone", async () => {
        expect(messages(await runResourcePolicy(vllmTpMatchesGpus, "kserve-inferenceservice-custom-vllm.yaml"))[0]).to.match(
            /^predictor container "kserve-container": --tensor-parallel-size 4 needs 4 GPUs but limits "nvidia.com\/gpu" is 2\./,
        );
        for (const p of [vllmTpMatchesGpus, vllmImagePinned, vllmValuesLiteral]) {
            expect(messages(await runResourcePolicy(p, "kserve-inferenceservice-huggingface.yaml")), p.name).to.deep.equal([]);
        }
    });
});

describe("policy pack on templated values", () => {
    it("treats the same variable on both sides as equal", async () => {
        for (const p of [vllmTpMatchesGpus, vllmValuesLiteral]) {
            expect(messages(await runResourcePolicy(p, "tp-same-template-variable.yaml")), p.name).to.deep.equal([]);
        }
    });

    it("reports other unknowns as advisory 'cannot check', never as a mandatory mismatch", async () => {
        expect(messages(await runResourcePolicy(vllmTpMatchesGpus, "tp-different-template-variables.yaml"))).to.deep.equal([]);
        const found = await runResourcePolicy(vllmValuesLiteral, "tp-different-template-variables.yaml");
        expect(found.map(v => v.enforcementLevel)).to.deep.equal(["advisory", "advisory"]);
        expect(found[0].message).to.equal(
            'container "vllm": cannot check --tensor-parallel-size ${TP} against limits "nvidia.com/gpu" "${GPUS}": "${TP}", "${GPUS}" are template variables with no literal value here. ' +
                "Write the flag and the GPU count literally, or as the same variable.",
        );
        const fromConfigMap = messages(await runResourcePolicy(vllmValuesLiteral, "tp-unresolvable-value.yaml"));
        expect(fromConfigMap).to.deep.equal([
            'container "vllm": cannot check --tensor-parallel-size $(TP_SIZE) against limits "nvidia.com/gpu" 2: "$(TP_SIZE)" is a template variable with no literal value here. ' +
                "Write the flag and the GPU count literally, or as the same variable.",
        ]);
    });

    it("tells an unrendered Helm chart to be rendered with helm template first", async () => {
        expect(messages(await runResourcePolicy(vllmImagePinned, "helm-unrendered-values.yaml"))).to.deep.equal([]);
        expect(messages(await runResourcePolicy(vllmTpMatchesGpus, "helm-unrendered-values.yaml")), "{{.Values.tensorParallelSize}} on both sides").to.deep.equal([]);
        const found = messages(await runResourcePolicy(vllmValuesLiteral, "helm-unrendered-values.yaml"));
        expect(found).to.have.length(1);
        expect(found[0]).to.include("render it with `helm template` first");
    });
});

describe("policy pack on vLLM without GPUs", () => {
    it("accepts vLLM's CPU build without any GPU", async () => {
        for (const p of [vllmTpMatchesGpus, vllmValuesLiteral, vllmImagePinned]) {
            expect(messages(await runResourcePolicy(p, "vllm-cpu-build-no-gpu.yaml")), p.name).to.deep.equal([]);
        }
    });

    it("refuses the CUDA image without a GPU, saying why", async () => {
        expect(messages(await runResourcePolicy(vllmTpMatchesGpus, "tp-no-gpu-limit.yaml"))).to.deep.equal([
            'container "vllm": tensor-parallel size 1 (no --tensor-parallel-size flag) needs 1 GPU but has no limits "nvidia.com/gpu": ' +
                'image "vllm/vllm-openai:v0.8.5" is vLLM\'s GPU build, which stops at start-up when it finds no GPU. ' +
                'Set limits and requests "nvidia.com/gpu" to 1, or run vLLM\'s CPU image for CPU inference.',
        ]);
    });
});
