/**
 * Issue 16, what check-manifests got wrong on public manifests nobody here wrote: a base image
 * called "vLLM's GPU build", placeholder images called badly cased, KServe's Go templates called
 * an unrendered Helm chart, KubeAI Models and Dynamo graphs not inspected. Each case has a
 * fixture modelled on the public shape; these tests assert the exact messages.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { imagePlaceholder, isGoTemplate, isHelmTemplate, kubeObject, operatorServers } from "@vllm-pulumi/kube-parser";
import { vllmImagePinned, vllmTpMatchesGpus, vllmValuesLiteral } from "../../policy/policies";
import { GO_TEMPLATE_HINT, HELM_HINT, parallelismVerdicts, templateHint } from "../../policy/policies/parallelism";
import { fixture, messages, REPO_ROOT, runResourcePolicy } from "./support";

const PIN_FIX = "Pin an exact version tag (e.g. vllm/vllm-openai:v0.11.0) or a digest (@sha256:...).";

/** The verdicts for one manifest object, written inline. */
function verdicts(body: object) {
    return parallelismVerdicts(kubeObject(undefined, body)!);
}

describe("corpus findings (issue 16)", () => {
    describe("vLLM's GPU build only for vLLM images", () => {
        it("says what a base image that installs vLLM is, and why it still needs a GPU", async () => {
            expect(messages(await runResourcePolicy(vllmTpMatchesGpus, "tp-no-gpu-base-image-installs-vllm.yaml"))).to.deep.equal([
                'container "server": tensor-parallel size 1 (no --tensor-parallel-size flag) needs 1 GPU but has no limits "nvidia.com/gpu": ' +
                    'it runs vLLM (vllm serve) on image "ubuntu:22.04", which is not one of vLLM\'s images; vLLM as pip installs it is the GPU build, ' +
                    "which stops at start-up when it finds no GPU, unless the image holds vLLM's CPU build (then set the env VLLM_TARGET_DEVICE=cpu, which tells this check so). " +
                    'Set limits and requests "nvidia.com/gpu" to 1, or run vLLM\'s CPU image for CPU inference.',
            ]);
        });
        it("accepts that base image once it says it runs vLLM's CPU build", () => {
            const body = fixture("tp-no-gpu-base-image-installs-vllm.yaml")[0].props;
            body.spec.template.spec.containers[0].env = [{ name: "VLLM_TARGET_DEVICE", value: "cpu" }];
            expect(verdicts(body)).to.deep.equal([]);
        });
    });

    describe("placeholder images", () => {
        it("names them as placeholders, not as badly cased references", async () => {
            expect(messages(await runResourcePolicy(vllmImagePinned, "image-placeholder-uppercase.yaml"))).to.deep.equal([
                `container "vllm": image "REPLACE_MODEL_SERVER_IMAGE" is a placeholder, not an image: fill in the real image. ${PIN_FIX}`,
            ]);
            expect(messages(await runResourcePolicy(vllmImagePinned, "image-placeholder-name.yaml"))).to.deep.equal([
                `container "vllm": image "IMAGE_NAME" is a placeholder, not an image: fill in the real image. ${PIN_FIX}`,
            ]);
        });
        it("finds the placeholder part: the whole image, a path segment or the tag; never a real tag", () => {
            expect(imagePlaceholder("<image>")).to.equal("<image>");
            expect(imagePlaceholder("vllm/vllm-openai:TAG")).to.equal("TAG");
            expect(imagePlaceholder("registry.example.com/your-org/vllm:v0.11.0")).to.equal("your-org");
            expect(imagePlaceholder("replace-me")).to.equal("replace-me");
            for (const real of ["vllm/vllm-openai:v0.11.0", "vllm/vllm-openai:LATEST", "localhost:5000/vllm:v1", "vllm/vllm-openai:v0.11.0-RC1", "${IMAGE}"]) {
                expect(imagePlaceholder(real), real).to.equal(undefined);
            }
        });
    });

    describe("KServe's Go templates are not Helm's", () => {
        it("tells Helm's actions from a controller's", () => {
            for (const helm of ["{{ .Values.tp }}", "{{- include \"x\" . }}", "{{ $.Values.a }}", "{{ toYaml .Values.r | nindent 4 }}", "{{ .Release.Name }}"]) {
                expect(isHelmTemplate(helm), helm).to.equal(true);
            }
            for (const go of ["{{.Name}}", "{{ .Spec.Model.Name }}", "{{- if .Spec.Parallelism }}", "{{ end }}", "{{ .Spec.Template.Containers }}"]) {
                expect(isHelmTemplate(go), go).to.equal(false);
                expect(isGoTemplate(go), go).to.equal(true);
            }
            expect(templateHint(["{{ .Values.tp }}"], "x")).to.equal(HELM_HINT);
            expect(templateHint(["{{.Annotations.tp}}"], "Write it literally.")).to.equal(`${GO_TEMPLATE_HINT} Write it literally.`);
            expect(templateHint(["${TP}"], "Write it literally.")).to.equal("Write it literally.");
        });
        it("says a KServe-filled TP cannot be checked, without calling it Helm", () => {
            const body = fixture("kserve-inferenceservice-custom-vllm.yaml")[0].props;
            const container = body.spec.predictor.containers[0];
            container.args = container.args.map((a: string) => (a.startsWith("--tensor-parallel-size") ? "--tensor-parallel-size={{.Annotations.tp}}" : a));
            const found = verdicts(body);
            expect(found.map(v => v.kind), "limits and requests").to.deep.equal(["unresolved", "unresolved"]);
            for (const v of found) expect(v.message).to.contain(GO_TEMPLATE_HINT).and.not.contain("helm template");
        });
        it("check-manifests reads KServe's LLMInferenceServiceConfig without a Helm warning, and lists it as not inspected", () => {
            const r = spawnSync(process.execPath, ["scripts/check-manifests/run.js", path.join("tests", "fixtures", "kserve-llm-config-go-template.yaml")], {
                cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, INIT_CWD: REPO_ROOT },
            });
            expect(r.status, r.stderr).to.equal(0);
            expect(r.stderr).to.not.contain("Helm");
            expect(r.stderr).to.contain("not inspected: LLMInferenceServiceConfig/kserve-config-llm-template (kinds the pack does not know)");
        });
    });

    describe("KubeAI Model: the args and the resource profile it sets", () => {
        it("checks TP against <profile>:<count> of KubeAI's GPU profiles", async () => {
            expect(messages(await runResourcePolicy(vllmTpMatchesGpus, "kubeai-model-tp-mismatch.yaml"))).to.deep.equal([
                'Model "llama-3.1-8b-instruct-fp8-l4": --tensor-parallel-size 2 needs 2 GPUs but resourceProfile "nvidia-gpu-l4:1" gives 1. ' +
                    "Set resourceProfile to \"nvidia-gpu-l4:2\" (KubeAI's GPU profiles hold one GPU per unit), or change the flags.",
            ]);
            for (const p of [vllmTpMatchesGpus, vllmValuesLiteral, vllmImagePinned]) {
                expect(messages(await runResourcePolicy(p, "kubeai-model-tp-match.yaml")), p.name).to.deep.equal([]);
            }
        });
        it("cannot check a profile of the cluster's own KubeAI config, and says why (advisory)", async () => {
            const model = { apiVersion: "kubeai.org/v1", kind: "Model", metadata: { name: "m" }, spec: { engine: "VLLM", args: ["-tp", "4"], resourceProfile: "a100-node:1" } };
            expect(verdicts(model)).to.deep.equal([{
                kind: "unresolved",
                message: 'Model "m": cannot check -tp 4 needs 4 GPUs against its GPUs: profile "a100-node" is defined in KubeAI\'s config, which says how many GPUs one unit holds.',
            }]);
        });
        it("reads an engine other than vLLM as nothing to check", () => {
            expect(operatorServers(kubeObject(undefined, { apiVersion: "kubeai.org/v1", kind: "Model", metadata: { name: "e" }, spec: { engine: "OLlama", resourceProfile: "nvidia-gpu-l4:1" } })!)).to.deep.equal([]);
        });
    });

    describe("Dynamo DynamoGraphDeployment: each dynamo.vllm service against its GPUs", () => {
        it("checks the decode and prefill workers, however their command line is written, and skips the frontend", async () => {
            expect(messages(await runResourcePolicy(vllmTpMatchesGpus, "dynamo-graph-tp-mismatch.yaml"))).to.deep.equal([
                'service "VllmDecodeWorker": --tensor-parallel-size 2 needs 2 GPUs but resources.limits.gpu gives 1. Set resources.limits.gpu to 2, or change the flags.',
            ]);
            const servers = operatorServers(kubeObject(undefined, fixture("dynamo-graph-tp-mismatch.yaml")[0].props)!);
            expect(servers.map(s => [s.label, s.args])).to.deep.equal([
                ['service "VllmDecodeWorker"', ["--model", "Qwen/Qwen3-0.6B", "--tensor-parallel-size", "2", "--enforce-eager", "2>&1"]],
                ['service "VllmPrefillWorker"', ["--model", "Qwen/Qwen3-0.6B", "--enforce-eager", "--is-prefill-worker"]],
            ]);
        });
        it("spreads one engine over multinode.nodeCount pods", () => {
            const graph = (gpu: string) => ({
                apiVersion: "nvidia.com/v1alpha1", kind: "DynamoGraphDeployment", metadata: { name: "big" },
                spec: { services: { Worker: { multinode: { nodeCount: 2 }, resources: { limits: { gpu } }, extraPodSpec: { mainContainer: { command: ["python3", "-m", "dynamo.vllm"], args: ["--tensor-parallel-size", "8", "--pipeline-parallel-size", "2"] } } } } },
            });
            expect(verdicts(graph("8"))).to.deep.equal([]);
            expect(verdicts(graph("4")).map(v => v.message)).to.deep.equal([
                'service "Worker": --tensor-parallel-size 8 x --pipeline-parallel-size 2 needs 16 GPUs but resources.limits.gpu x multinode.nodeCount 2 gives 8. Set resources.limits.gpu to 8, or change the flags.',
            ]);
        });
        it("refuses a vLLM worker that asks for no GPU", () => {
            const graph = { apiVersion: "nvidia.com/v1alpha1", kind: "DynamoGraphDeployment", metadata: { name: "g" },
                spec: { services: { W: { extraPodSpec: { mainContainer: { args: ["python3 -m dynamo.vllm --model m"] } } } } } };
            expect(verdicts(graph).map(v => v.message)).to.deep.equal([
                'service "W": tensor-parallel size 1 (no --tensor-parallel-size flag) needs 1 GPU but sets no resources.limits.gpu: vLLM stops at start-up when it finds no GPU. Set it to 1.',
            ]);
        });
    });
});
