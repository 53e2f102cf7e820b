/**
 * Edges found by the mutation run (npm run mutation): each test pins one behaviour a user relies
 * on that a one-token change of the validation would silently break.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { ARG_NAMES, closestArg } from "../../components/argNames";
import { dns1035LabelProblem } from "../../components/kubeNames";
import { validateArgs, VllmServiceArgsError } from "../../components/validate";
import { VllmService } from "../../components/vllmService";
import { runWithMocks } from "../support/pulumiMocks";
import { expectProblem, GOOD, problemsOf } from "./argsSupport";

/** Keys whose wrong-typed value is reported by a resolver other than Problems (SLO) or is an Input (secrets). */
const SKIP = ["hfToken", "apiKey"];

describe("validation edges", () => {
    describe("every arg names itself when given a value of the wrong type", () => {
        for (const key of ARG_NAMES.filter((k) => !SKIP.includes(k))) {
            it(key, () => {
                const found = problemsOf({ [key]: { wrong: [1] } });
                expect(found.some((p) => p.startsWith(`${key}: `)), found.join("; ")).to.equal(true);
            });
        }
    });

    it("formats the error as one line per problem and names its class", () => {
        try {
            validateArgs("x", { ...GOOD, replicas: -1, maxModelLen: 0 });
            expect.fail("should throw");
        } catch (e) {
            expect(e).to.be.instanceOf(VllmServiceArgsError);
            expect((e as Error).name).to.equal("VllmServiceArgsError");
            expect((e as Error).message).to.equal(
                'invalid VllmService "x" (fix these stack config keys):\n  - maxModelLen: must be >= 1, got 0\n  - replicas: must be >= 0, got -1');
        }
    });

    it("says what args was when it is not an object", () => {
        expect(() => validateArgs("x", null as any)).to.throw(/got null$/);
        expect(() => validateArgs("x", [] as any)).to.throw(/got a list$/);
        expect(() => validateArgs("x", undefined as any)).to.throw(/got undefined$/);
    });

    it("anchors the model and revision patterns at both ends", () => {
        expectProblem({ model: " Qwen/x" }, "model", /without whitespace/);
        expectProblem({ model: "Qwen/x " }, "model", /without whitespace/);
        expectProblem({ modelRevision: "-abc" }, "modelRevision", /commit hash or tag/);
        expectProblem({ modelRevision: "abc!" }, "modelRevision", /commit hash or tag/);
    });

    it("treats a blank served model name as empty", () => expectProblem({ servedModelName: "   " }, "servedModelName", /non-empty/));
    it("refuses a namespace given as a number", () => expectProblem({ namespace: 5 }, "namespace", /non-empty string/));
    it("refuses an existing token Secret name that is not a DNS subdomain", () =>
        expectProblem({ hfTokenSecretName: "Bad_Name" }, "hfTokenSecretName", /DNS-1123 subdomain/));
    it("refuses an image given as a number with one problem", () => expectProblem({ image: 123 }, "image", /non-empty string/));
    it("refuses a GPU memory fraction given as a string", () => expectProblem({ gpuMemoryUtilization: "0.5" }, "gpuMemoryUtilization", /fraction/));
    it("refuses a zero quantity", () => expectProblem({ memory: "0" }, "memory", /positive Kubernetes quantity string/));
    it("refuses an object quantity as not a quantity (not as whitespace)", () =>
        expectProblem({ cpuRequest: { cores: 4 } }, "cpuRequest", /positive Kubernetes quantity string/));
    it("refuses a numeric /dev/shm size with several GPUs once", () =>
        expectProblem({ shmSizeLimit: 5, tensorParallelSize: 2 }, "shmSizeLimit", /quantity string/));
    it("accepts exactly the minimum /dev/shm with several GPUs", () =>
        expect(problemsOf({ shmSizeLimit: "2Gi", tensorParallelSize: 2 })).to.deep.equal([]));
    it("accepts minReplicas equal to maxReplicas", () => expect(problemsOf({ minReplicas: 3, maxReplicas: 3 })).to.deep.equal([]));
    it("refuses a scrape interval given as a number", () => expectProblem({ scrapeInterval: 15 }, "scrapeInterval", /Prometheus duration string/));
    it("says an empty scrape interval is not a duration (not zero)", () => expectProblem({ scrapeInterval: "" }, "scrapeInterval", /not a duration/));
    it("names the HPA limits' origin", () => {
        expectProblem({ scaleUpPeriodSeconds: 1801 }, "scaleUpPeriodSeconds", /the API server's limit for an HPA policy period/);
        expectProblem({ scaleDownPeriodSeconds: 1801 }, "scaleDownPeriodSeconds", /the API server's limit for an HPA policy period/);
        expectProblem({ scaleUpStabilizationSeconds: 3601 }, "scaleUpStabilizationSeconds", /the API server's limit for a stabilization window/);
        expectProblem({ scaleDownStabilizationSeconds: 3601 }, "scaleDownStabilizationSeconds", /the API server's limit for a stabilization window/);
    });
    it("says an empty namespace in allowedNamespaces is empty", () => expectProblem({ allowedNamespaces: [""] }, "allowedNamespaces", /namespace "" is empty/));
    for (const selector of [null, "app=x", ["app"]]) {
        it(`refuses the selector ${JSON.stringify(selector)} as not a map`, () =>
            expectProblem({ allowedPodSelectors: [selector] }, "allowedPodSelectors", /must be a map/));
    }
    it("gives the HF token its own message", () => expectProblem({ hfToken: " " }, "hfToken", /leave hfToken unset/));
    it("does not call an exact managed flag a prefix", () => {
        expect(problemsOf({ extraArgs: ["--port=9000"] })).to.deep.equal(["extraArgs: --port sets --port, which comes from the fixed port 8000; remove it from extraArgs"]);
    });
    it("accepts a 63-character name", () => expect(dns1035LabelProblem("a".repeat(63))).to.equal(undefined));
    it("suggests at the edge of the typo distance, and scales it with the key's length", () => {
        expect(closestArg("nmespce")).to.equal("namespace");
        expect(closestArg("tensrParalelSise")).to.equal("tensorParallelSize");
    });
});

describe("rendered details (mocks)", () => {
    const BASE = { model: "meta-llama/Llama-3.1-8B-Instruct", modelRevision: "0e9e39f249a16976918f6564b8830bc894c89659" };

    it("labels every object with its component and manager, and makes Secrets Opaque", async () => {
        const { captured } = await runWithMocks(() => new VllmService("vllm-server", { ...BASE, hfToken: "hf_x" }));
        for (const r of captured.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
            expect(r.inputs.metadata.labels, r.type).to.include({ "app.kubernetes.io/component": "inference-server", "app.kubernetes.io/managed-by": "pulumi" });
        }
        for (const s of captured.ofType("kubernetes:core/v1:Secret")) expect(s.inputs.type).to.equal("Opaque");
    });

    it("pins pods with the node selector only when one is given, in a container named vllm", async () => {
        const pod = async (args: object) => {
            const { captured } = await runWithMocks(() => new VllmService("vllm-server", { ...BASE, ...args }));
            return captured.one("kubernetes:apps/v1:Deployment").inputs.spec.template.spec;
        };
        const pinned = await pod({ nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3" } });
        expect(pinned.nodeSelector).to.deep.equal({ "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3" });
        expect(pinned.containers.map((c: { name: string }) => c.name)).to.deep.equal(["vllm"]);
        expect(await pod({})).to.not.have.property("nodeSelector");
    });

    it("alerts on the queue target the HPA uses, and renders the rules without a ServiceMonitor", async () => {
        const { captured } = await runWithMocks(() => new VllmService("vllm-server", { ...BASE, queueTarget: 7, serviceMonitorEnabled: false }));
        const [rule] = captured.kind("PrometheusRule");
        expect(rule.inputs.metadata.name).to.equal("vllm-server-slo");
        const queueAlert = rule.inputs.spec.groups.flatMap((g: any) => g.rules).find((r: any) => r.alert === "VllmQueueAboveTargetAtMaxReplicas");
        expect(queueAlert.expr).to.contain("> 7");
    });

    it("keeps the Deployment after its Secrets when the API key is a secret Output", async () => {
        const deps: string[] = [];
        await runWithMocks(() => new VllmService("vllm-server", { ...BASE, apiKey: pulumi.secret("sk-x") }, {
            transformations: [(a) => {
                if (a.type === "kubernetes:apps/v1:Deployment") {
                    pulumi.output(a.opts.dependsOn as pulumi.Input<pulumi.Resource[]>).apply((d) => deps.push(...([] as any[]).concat(d ?? []).map((r) => r.__name)));
                }
                return undefined;
            }],
        }));
        await new Promise((r) => setTimeout(r, 100));
        expect(deps).to.deep.equal(["vllm-server-api-key"]);
    });
});
