/**
 * The program (index.ts) with each stack's real config file, under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { MOCK_API_KEY, unwrapSecret, valueOf } from "../support/pulumiMocks";
import { runProgram, stackConfig } from "../support/renderStack";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const SERVICE = "kubernetes:core/v1:Service";

for (const stack of ["dev", "prod"]) {
    describe(`program, ${stack} stack (mocks)`, () => {
        const cfg = stackConfig(stack);

        it("wires Secret, Deployment, Service, ServiceMonitor and HPA to one another", async () => {
            const { captured: c } = await runProgram(stack);
            const d = c.one(DEPLOYMENT).inputs;
            const s = c.one(SERVICE).inputs;
            const [sm] = c.kind("ServiceMonitor");
            const h = c.one(HPA).inputs;
            const [apiKeySecret] = c.ofType("kubernetes:core/v1:Secret").filter((r) => r.inputs.metadata.name.endsWith("-api-key"));
            expect(apiKeySecret, "API key Secret").to.not.equal(undefined);
            const env = d.spec.template.spec.containers[0].env;
            expect(env.map((e: any) => e.valueFrom.secretKeyRef.name)).to.include(apiKeySecret.inputs.metadata.name);
            expect(s.spec.selector).to.deep.equal(d.spec.selector.matchLabels);
            expect(sm.inputs.spec.selector.matchLabels).to.deep.equal(d.spec.selector.matchLabels);
            expect(sm.inputs.spec.endpoints[0].port).to.equal(s.spec.ports[0].name);
            expect(h.spec.scaleTargetRef.name).to.equal(d.metadata.name);
            for (const o of [d, s, sm.inputs, h, apiKeySecret.inputs]) {
                expect(o.metadata.namespace).to.equal(cfg.namespace);
            }
        });

        it("runs the stack's pinned model, revision and sizes", async () => {
            const { captured: c } = await runProgram(stack);
            const ctr = c.one(DEPLOYMENT).inputs.spec.template.spec.containers[0];
            expect(ctr.image).to.equal(cfg.image);
            expect(ctr.args).to.include.members([
                `--model=${cfg.model}`, `--revision=${cfg.modelRevision}`,
                `--tensor-parallel-size=${cfg.tensorParallelSize}`, `--max-model-len=${cfg.maxModelLen}`,
            ]);
            expect(ctr.resources.limits["nvidia.com/gpu"]).to.equal(String(cfg.tensorParallelSize));
            expect(c.one(HPA).inputs.spec.maxReplicas).to.equal(cfg.maxReplicas);
        });

        it("exports the endpoint and names, and the API key only as a secret", async () => {
            const { exports } = await runProgram(stack);
            expect(await valueOf(exports.url)).to.equal(`http://vllm-server.${cfg.namespace}.svc.cluster.local:8000/v1`);
            expect(await valueOf(exports.namespace)).to.equal(cfg.namespace);
            expect(await valueOf(exports.serviceName)).to.equal("vllm-server");
            expect(await valueOf(exports.deploymentName)).to.equal("vllm-server");
            expect(await valueOf(exports.hpaName)).to.equal("vllm-server");
            expect(await valueOf(exports.servedModelName)).to.equal(cfg.servedModelName);
            expect(await pulumi.isSecret(exports.apiKey)).to.equal(true);
            for (const [name, value] of Object.entries(exports)) {
                if (name !== "apiKey" && pulumi.Output.isInstance(value)) {
                    expect(JSON.stringify(await valueOf(value as pulumi.Output<unknown>))).to.not.contain(MOCK_API_KEY);
                }
            }
        });
    });
}

describe("program config handling (mocks)", () => {
    it("keeps a configured HF token secret end to end", async () => {
        const { captured: c } = await runProgram("dev", { hfToken: "hf_from_config" }, ["hfToken"]);
        const secret = c.ofType("kubernetes:core/v1:Secret").find((r) => r.inputs.metadata.name === "vllm-server-hf-token");
        expect(unwrapSecret(secret?.inputs.stringData)).to.deep.equal({ secret: true, value: { token: "hf_from_config" } });
        const env = c.one(DEPLOYMENT).inputs.spec.template.spec.containers[0].env;
        expect(JSON.stringify(env)).to.not.contain("hf_from_config");
    });

    it("fails on invalid stack config with a message naming the key, creating nothing", async () => {
        const error = await runProgram("dev", { minReplicas: 3, maxReplicas: 2 }).then(() => undefined, (e) => e);
        expect(String(error)).to.match(/maxReplicas: must be >= minReplicas \(3\)/);
        expect(error.captured.all).to.deep.equal([]);
    });

    it("fails on a config value of the wrong type, naming the key", async () => {
        const error = await runProgram("dev", { tensorParallelSize: "two" }).then(() => undefined, (e) => e);
        expect(String(error)).to.match(/tensorParallelSize/);
    });
});
