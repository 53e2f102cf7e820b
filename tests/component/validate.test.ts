/**
 * Validation is a pure function (as in pulumi-eks): each bad arg gets a message naming its
 * config key, and all problems are reported at once.
 */
import { expect } from "chai";
import { VllmServiceArgs } from "../../components/args";
import { validateArgs, VllmServiceArgsError } from "../../components/validate";

const GOOD: VllmServiceArgs = { model: "Qwen/Qwen2.5-0.5B-Instruct", modelRevision: "7ae557604adf67be50417f59c2c2f167def9a775" };

/** The problems reported for GOOD plus `change`. */
function problemsOf(change: Partial<Record<keyof VllmServiceArgs, unknown>>): string[] {
    try {
        validateArgs("vllm-server", { ...GOOD, ...change } as VllmServiceArgs);
    } catch (e) {
        expect(e).to.be.instanceOf(VllmServiceArgsError);
        return (e as VllmServiceArgsError).problems;
    }
    return [];
}

/** Asserts exactly one problem, for `key`, whose text matches `pattern`. */
function expectProblem(change: Partial<Record<keyof VllmServiceArgs, unknown>>, key: string, pattern: RegExp): void {
    const problems = problemsOf(change);
    expect(problems, JSON.stringify(change)).to.have.length(1);
    expect(problems[0].startsWith(`${key}: `), problems[0]).to.equal(true);
    expect(problems[0]).to.match(pattern);
}

describe("validateArgs", () => {
    it("accepts the minimal args and applies the recipe's defaults", () => {
        const m = validateArgs("vllm-server", GOOD);
        expect(m).to.include({
            name: "vllm-server", namespace: "serving", image: "vllm/vllm-openai:v0.11.0", servedModelName: "default",
            tensorParallelSize: 1, gpus: 1, maxModelLen: 8192, gpuMemoryUtilization: 0.9, shmSizeLimit: "16Gi",
        });
        expect(m.autoscaling).to.deep.include({ minReplicas: 1, maxReplicas: 8, queueTarget: 5 });
        expect(m.replicas).to.equal(undefined);
    });

    describe("image must be pinned", () => {
        for (const image of ["vllm/vllm-openai", "vllm/vllm-openai:latest", "vllm/vllm-openai:<pinned-tag>", "vllm/vllm-openai:nightly",
            "registry.local:5000/vllm/vllm-openai", "vllm/vllm-openai@sha256:1234"]) {
            it(`rejects ${image}`, () => expectProblem({ image }, "image", /pin|digest|tag/));
        }
        for (const image of ["vllm/vllm-openai:v0.11.0", "registry.local:5000/vllm/vllm-openai:v0.11.0",
            `vllm/vllm-openai@sha256:${"a".repeat(64)}`]) {
            it(`accepts ${image}`, () => expect(problemsOf({ image })).to.deep.equal([]));
        }
    });

    it("rejects a tensor-parallel size below 1", () => expectProblem({ tensorParallelSize: 0 }, "tensorParallelSize", />= 1/));
    it("rejects a fractional tensor-parallel size", () => expectProblem({ tensorParallelSize: 1.5 }, "tensorParallelSize", /integer/));
    it("rejects a tensor-parallel size given as a string", () => expectProblem({ tensorParallelSize: "2" }, "tensorParallelSize", /integer/));
    it("rejects a pipeline-parallel size below 1", () => expectProblem({ pipelineParallelSize: 0 }, "pipelineParallelSize", />= 1/));
    it("rejects minReplicas > maxReplicas", () => expectProblem({ minReplicas: 4, maxReplicas: 2 }, "maxReplicas", /minReplicas \(4\)/));
    it("rejects minReplicas of 0", () => expectProblem({ minReplicas: 0 }, "minReplicas", />= 1/));
    it("rejects gpuMemoryUtilization of 0", () => expectProblem({ gpuMemoryUtilization: 0 }, "gpuMemoryUtilization", /\(0, 1\]/));
    it("rejects gpuMemoryUtilization above 1", () => expectProblem({ gpuMemoryUtilization: 1.2 }, "gpuMemoryUtilization", /\(0, 1\]/));
    it("accepts gpuMemoryUtilization of exactly 1", () => expect(problemsOf({ gpuMemoryUtilization: 1 })).to.deep.equal([]));
    it("rejects a non-positive max model length", () => expectProblem({ maxModelLen: 0 }, "maxModelLen", />= 1/));
    it("rejects a malformed /dev/shm size", () => expectProblem({ shmSizeLimit: "16GB" }, "shmSizeLimit", /quantity/));
    it("rejects a negative /dev/shm size", () => expectProblem({ shmSizeLimit: "-1Gi" }, "shmSizeLimit", /positive/));
    it("rejects a /dev/shm below 2Gi with more than one GPU", () =>
        expectProblem({ tensorParallelSize: 2, shmSizeLimit: "1Gi" }, "shmSizeLimit", /too small for 2 GPU workers/));
    it("accepts a small /dev/shm on one GPU", () => expect(problemsOf({ shmSizeLimit: "512Mi" })).to.deep.equal([]));
    it("rejects a malformed memory size", () => expectProblem({ memory: "lots" }, "memory", /quantity/));
    it("rejects a malformed cpu request", () => expectProblem({ cpuRequest: "4 cores" }, "cpuRequest", /quantity/));
    it("rejects a served model name with spaces", () => expectProblem({ servedModelName: "my model" }, "servedModelName", /valid name/));
    it("rejects an empty served model name", () => expectProblem({ servedModelName: "" }, "servedModelName", /non-empty/));
    it("rejects a missing model", () => expectProblem({ model: undefined }, "model", /non-empty/));
    it("rejects a missing model revision", () => expectProblem({ modelRevision: undefined }, "modelRevision", /non-empty/));
    it("rejects a floating model revision", () => expectProblem({ modelRevision: "main" }, "modelRevision", /moves/));
    it("rejects a name that is not a DNS-1035 label", () => expectProblem({ name: "Vllm_Server" }, "name", /DNS-1035/));
    it("rejects a name longer than 63 characters", () => expectProblem({ name: "v".repeat(64) }, "name", /63/));
    it("rejects an invalid namespace", () => expectProblem({ namespace: "Serving!" }, "namespace", /DNS-1123/));
    it("rejects an invalid label value", () => expectProblem({ labels: { team: "ml platform" } }, "labels", /label value/));
    it("rejects invalid ServiceMonitor labels", () => expectProblem({ serviceMonitorLabels: { "bad key!": "x" } }, "serviceMonitorLabels", /label name/));
    it("rejects an invalid node selector", () => expectProblem({ nodeSelector: "gpu=true" }, "nodeSelector", /map/));
    it("rejects a malformed scrape interval", () => expectProblem({ scrapeInterval: "15 seconds" }, "scrapeInterval", /duration/));
    it("rejects a startup timeout under 30 s", () => expectProblem({ startupTimeoutSeconds: 5 }, "startupTimeoutSeconds", />= 30/));
    it("rejects a non-positive queue target", () => expectProblem({ queueTarget: 0 }, "queueTarget", /> 0/));
    it("rejects a scale-up policy of 0 pods", () => expectProblem({ scaleUpPods: 0 }, "scaleUpPods", />= 1/));
    it("rejects a scale-down period beyond the API's 1800 s", () => expectProblem({ scaleDownPeriodSeconds: 3600 }, "scaleDownPeriodSeconds", /1800/));
    it("rejects a negative stabilization window", () => expectProblem({ scaleDownStabilizationSeconds: -1 }, "scaleDownStabilizationSeconds", />= 0, got -1/));
    it("rejects negative replicas", () => expectProblem({ replicas: -1 }, "replicas", />= 0/));
    it("rejects a non-boolean switch", () => expectProblem({ apiKeyEnabled: "yes" }, "apiKeyEnabled", /true or false/));
    it("rejects both an HF token and an existing token Secret", () =>
        expectProblem({ hfToken: "hf_x", hfTokenSecretName: "hf" }, "hfTokenSecretName", /either hfToken/));
    it("rejects an API key when the key is switched off", () => expectProblem({ apiKey: "k", apiKeyEnabled: false }, "apiKey", /apiKeyEnabled/));
    it("rejects extraArgs that set the tensor-parallel size", () =>
        expectProblem({ extraArgs: ["--tensor-parallel-size=2"] }, "extraArgs", /tensorParallelSize/));
    it("rejects extraArgs that set -tp", () => expectProblem({ extraArgs: ["-tp", "2"] }, "extraArgs", /tensorParallelSize/));
    it("rejects extraArgs that set TP with underscores", () => expectProblem({ extraArgs: ["--tensor_parallel_size", "2"] }, "extraArgs", /GPUs/));
    it("rejects extraArgs that set data parallelism", () => expectProblem({ extraArgs: ["--data-parallel-size=2"] }, "extraArgs", /GPUs/));
    it("rejects extraArgs that pass an API key in plain text", () => expectProblem({ extraArgs: ["--api-key=abc"] }, "extraArgs", /apiKeyEnabled/));
    it("rejects extraArgs that are not strings", () => expectProblem({ extraArgs: [1] }, "extraArgs", /list of strings/));

    it("reports every problem at once, in one error naming each key", () => {
        expect(() => validateArgs("vllm-server", { ...GOOD, image: "vllm/vllm-openai:latest", tensorParallelSize: 0, minReplicas: 3, maxReplicas: 2 }))
            .to.throw(VllmServiceArgsError)
            .with.property("message")
            .that.matches(/image: [\s\S]*tensorParallelSize: [\s\S]*maxReplicas: /);
    });

    it("derives the GPU count as TP x PP", () => {
        expect(validateArgs("x", { ...GOOD, tensorParallelSize: 4, pipelineParallelSize: 2 }).gpus).to.equal(8);
    });
});
