/**
 * Issue 9, section 1: each category of bad input fails with VllmServiceArgsError naming the key,
 * before anything is rendered, and the near misses that are valid still pass.
 */
import { expect } from "chai";
import { VllmServiceArgs } from "../../components/args";
import { validateArgs, VllmServiceArgsError } from "../../components/validate";
import { expectProblem, GOOD, problemsOf } from "./argsSupport";

describe("validateArgs refuses bad input", () => {
    describe("managed and blinding vLLM flags in extraArgs, however spelled", () => {
        const cases: Array<[string[], RegExp]> = [
            [["--api_key=abc"], /--api-key.*apiKeyEnabled/],
            [["--api-key", "abc"], /--api-key/],
            [["--served_model_name", "x"], /--served-model-name.*servedModelName/],
            [["--max_model_len=4096"], /--max-model-len.*maxModelLen/],
            [["--gpu_memory_utilization", "0.5"], /--gpu-memory-utilization.*gpuMemoryUtilization/],
            [["--model=facebook/opt-125m"], /--model.*comes from model;/],
            [["--revision", "abc"], /--revision.*modelRevision/],
            [["--port=9000"], /--port.*fixed port 8000/],
            [["--host", "0.0.0.0"], /--host/],
            [["--served", "x"], /prefix "--served" to --served-model-name/],
            [["--tensor-parallel", "2"], /--tensor-parallel-size.*GPUs/],
            [["--disable-log-stats"], /vllm:\* metric.*HPA/],
            [["--disable_log_stats"], /--disable-log-stats/],
        ];
        for (const [extraArgs, pattern] of cases) {
            it(`refuses ${JSON.stringify(extraArgs)}`, () => expectProblem({ extraArgs }, "extraArgs", pattern));
        }
        it("never repeats a key passed as a flag value", () => {
            const problems = problemsOf({ extraArgs: ["--api_key=sk-live-123456"] });
            expect(problems.join("\n")).to.not.contain("sk-live-123456");
        });
        it("refuses a flag and its value in one item", () => {
            expect(problemsOf({ extraArgs: ["--dtype bfloat16"] })).to.deep.equal([
                `extraArgs: "--dtype ..." holds several words in one item; give each flag and value its own item`]);
        });
        it("accepts flags that only share a prefix with managed ones", () => {
            expect(problemsOf({ extraArgs: ["--model-impl=vllm", "--max-num-seqs", "64", "--disable-log-requests", "--enable-prefix-caching",
                "--dtype=bfloat16", "--chat-template={% if x %} a b {% endif %}"] })).to.deep.equal([]);
        });
    });

    describe("secrets", () => {
        for (const apiKey of ["", "   ", "\n"]) {
            it(`refuses the API key ${JSON.stringify(apiKey)}: vLLM would authenticate nothing`, () =>
                expectProblem({ apiKey }, "apiKey", /empty or blank; vLLM treats an empty key as "no authentication"/));
        }
        it("refuses an API key with a trailing newline, without printing it", () => {
            const problems = problemsOf({ apiKey: "sk-secret-value\n" });
            expect(problems).to.have.length(1);
            expect(problems[0]).to.match(/^apiKey: has leading or trailing whitespace/);
            expect(problems[0]).to.not.contain("sk-secret-value");
        });
        it("refuses an empty HF token", () => expectProblem({ hfToken: "" }, "hfToken", /empty or blank/));
        it("refuses a non-string API key", () => expectProblem({ apiKey: 42 }, "apiKey", /must be a string.*got number/));
        for (const key of ["bad key", "..", "..token", "token/x", "k".repeat(254)]) {
            it(`refuses the Secret key ${JSON.stringify(key.slice(0, 20))}`, () => expectProblem({ hfTokenSecretKey: key }, "hfTokenSecretKey", /must/));
        }
        for (const key of ["HF_TOKEN", ".token", "hf-token.v1", "k".repeat(253)]) {
            it(`accepts the Secret key ${JSON.stringify(key.slice(0, 20))}`, () => expect(problemsOf({ hfTokenSecretKey: key })).to.deep.equal([]));
        }
        it("accepts an existing Secret named like a DNS subdomain", () => expect(problemsOf({ hfTokenSecretName: "hf.tokens" })).to.deep.equal([]));
    });

    describe("image references (distribution/reference grammar)", () => {
        for (const image of ["vllm/VLLM-openai:v0.11.0", "vllm/vllm openai:v0.11.0", " vllm/vllm-openai:v0.11.0", "vllm/vllm-openai:v0.11.0 ",
            "vllm//vllm-openai:v0.11.0", "vllm/vllm-openai:-v1", "vllm/-openai:v0.11.0"]) {
            it(`refuses ${JSON.stringify(image)}`, () => expectProblem({ image }, "image", /image ".*" (has|is not)/));
        }
        it("names upper case as the mistake", () => expectProblem({ image: "vllm/Vllm-Openai:v0.11.0" }, "image", /upper-case letters in its repository/));
        for (const image of ["Registry.Example.com:5000/vllm/vllm-openai:v0.11.0", "[::1]:5000/vllm/vllm-openai:v0.11.0", "vllm/vllm__openai:V0.11.0_cu128"]) {
            it(`accepts ${image}`, () => expect(problemsOf({ image })).to.deep.equal([]));
        }
    });

    describe("quantities", () => {
        for (const [key, value] of [["shmSizeLimit", " 16Gi"], ["memory", "32Gi "], ["cpuRequest", "4\n"]] as const) {
            it(`refuses ${key} ${JSON.stringify(value)} (whitespace)`, () => expectProblem({ [key]: value }, key, /whitespace/));
        }
        it("refuses a number where a quantity string is expected", () => expectProblem({ cpuRequest: 4 }, "cpuRequest", /quantity string.*got 4/));
        it("refuses an object /dev/shm size with several GPUs, without a TypeError", () =>
            expectProblem({ shmSizeLimit: { size: "16Gi" }, tensorParallelSize: 2 }, "shmSizeLimit", /quantity/));
    });

    describe("int32 fields, including derived ones", () => {
        const big = 2 ** 31;
        for (const key of ["replicas", "maxReplicas", "scaleUpPods", "scaleDownPods", "tensorParallelSize", "pipelineParallelSize", "maxModelLen"]) {
            it(`refuses ${key} = 2^31`, () => expectProblem({ [key]: big }, key, /<= 2147483647 \(the Kubernetes field is int32\)/));
        }
        it("refuses a startup timeout whose progress deadline overflows int32", () =>
            expectProblem({ startupTimeoutSeconds: big - 300 }, "startupTimeoutSeconds", /<= 2147483347 .*progressDeadlineSeconds/));
        it("accepts the largest startup timeout that still fits", () => expect(problemsOf({ startupTimeoutSeconds: big - 301 })).to.deep.equal([]));
        it("refuses a GPU count beyond int32", () =>
            expectProblem({ tensorParallelSize: 2 ** 16, pipelineParallelSize: 2 ** 16, shmSizeLimit: "16Gi" }, "pipelineParallelSize", /GPUs per pod/));
    });

    describe("Prometheus durations the Operator's CRD refuses", () => {
        for (const scrapeInterval of ["30s1m", "1.5m", "15 s", "", "0", "1h1h", "99999999999y"]) {
            it(`refuses ${JSON.stringify(scrapeInterval)}`, () => expectProblem({ scrapeInterval }, "scrapeInterval", /duration|zero|longer/));
        }
        for (const scrapeInterval of ["1m30s", "15s", "500ms", "1y2w3d4h5m6s7ms"]) {
            it(`accepts ${scrapeInterval}`, () => expect(problemsOf({ scrapeInterval })).to.deep.equal([]));
        }
    });

    describe("label keys", () => {
        for (const key of ["-bad.example.com/team", "bad..example.com/team", "Example.com/team", "a/b/c", "/team", "example.com/", `${"a".repeat(254)}/x`]) {
            it(`refuses ${JSON.stringify(key.slice(0, 30))}`, () => expectProblem({ labels: { [key]: "x" } }, "labels", /not a valid label name/));
        }
        for (const key of ["example.com/team", "team", "a.b-c.d/Team_1.x"]) {
            it(`accepts ${key}`, () => expect(problemsOf({ labels: { [key]: "x" } })).to.deep.equal([]));
        }
        it("refuses a non-string label value", () => expectProblem({ nodeSelector: { gpu: true } }, "nodeSelector", /must be a string/));
    });

    describe("from code", () => {
        for (const args of [undefined, null, "model", []]) {
            it(`refuses args = ${JSON.stringify(args)} with a named error, not a TypeError`, () => {
                expect(() => validateArgs("vllm-server", args as unknown as VllmServiceArgs))
                    .to.throw(VllmServiceArgsError, /args: VllmService needs an args object/);
            });
        }
        it("refuses a misspelled arg and suggests the right one", () =>
            expectProblem({ tensorParalellSize: 2 }, "tensorParalellSize", /is not a VllmService arg; did you mean tensorParallelSize\?/));
        it("suggests across case", () => expectProblem({ MaxReplicas: 2 }, "MaxReplicas", /did you mean maxReplicas\?/));
        it("refuses an unknown arg with no close match", () => expectProblem({ colour: "blue" }, "colour", /is not a VllmService arg$/));
    });

    describe("network policy keys", () => {
        it("refuses a namespace that is not a DNS-1123 label", () => expectProblem({ allowedNamespaces: ["Gateway_NS"] }, "allowedNamespaces", /namespace "Gateway_NS"/));
        it("refuses allowedNamespaces that is not a list", () => expectProblem({ allowedNamespaces: "gateway" }, "allowedNamespaces", /list of strings/));
        it("refuses an empty pod selector, which would admit the whole namespace", () =>
            expectProblem({ allowedPodSelectors: [{}] }, "allowedPodSelectors", /empty selector/));
        it("refuses a selector with an invalid label value", () =>
            expectProblem({ allowedPodSelectors: [{ app: "gate way" }] }, "allowedPodSelectors", /not a valid label value/));
        it("refuses a selector given as a string", () => expectProblem({ allowedPodSelectors: "app=gateway" }, "allowedPodSelectors", /list of label maps/));
        it("refuses an empty monitoring namespace", () => expectProblem({ monitoringNamespace: "" }, "monitoringNamespace", /non-empty/));
        it("refuses a non-boolean switch", () => expectProblem({ networkPolicyEnabled: "no" }, "networkPolicyEnabled", /true or false/));
    });

    it("lists every problem at once", () => {
        const problems = problemsOf({ extraArgs: ["--api_key=x"], apiKey: "", image: "vllm/X:v1", memory: " 1Gi", replicas: 2 ** 31, scrapeInterval: "30s1m", tensorParalellSize: 2 });
        expect(problems.map((p) => p.split(":")[0]).sort()).to.deep.equal(
            ["apiKey", "extraArgs", "image", "memory", "replicas", "scrapeInterval", "tensorParalellSize"]);
    });

    it("still accepts the baseline", () => expect(problemsOf({})).to.deep.equal([]) && expect(GOOD.model).to.be.a("string"));
});
