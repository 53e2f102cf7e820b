/**
 * The canary an upgrade adds (canaryImage / canaryModelRevision / canaryReplicas), under mocks:
 * a second Deployment the Service routes to, told apart by its track label, outside the HPA.
 */
import { expect } from "chai";
import { VllmServiceArgs } from "../../components/args";
import { TRACK_LABEL } from "../../components/canary";
import { PRE_STOP_SLEEP_SECONDS } from "../../components/manifests/deployment";
import { pinProblems } from "../../components/pins";
import { validateArgs } from "../../components/validate";
import { VllmService } from "../../components/vllmService";
import { Captured, runWithMocks } from "../support/pulumiMocks";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const BASE: VllmServiceArgs = { model: "Qwen/Qwen2.5-0.5B-Instruct", modelRevision: "7ae557604adf67be50417f59c2c2f167def9a775" };
const NEW_REVISION = "aa8e72537993ba99e69dfaafa59ed015b17504d1";

async function render(args: Partial<VllmServiceArgs> = {}): Promise<Captured> {
    return (await runWithMocks(() => new VllmService("vllm-server", { ...BASE, ...args }))).captured;
}

function deployments(c: Captured) {
    return Object.fromEntries(c.ofType(DEPLOYMENT).map((r) => [r.inputs.metadata.name as string, r.inputs]));
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
    return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

describe("VllmService canary (mocks)", () => {
    it("without canaryImage: one Deployment, its pods labelled track=stable, selector unchanged (immutable)", async () => {
        const d = deployments(await render());
        expect(Object.keys(d)).to.deep.equal(["vllm-server"]);
        expect(d["vllm-server"].spec.selector.matchLabels).to.deep.equal({ "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": "vllm-server" });
        expect(d["vllm-server"].spec.template.metadata.labels).to.include({ [TRACK_LABEL]: "stable" });
    });

    describe("with canaryImage", () => {
        let c: Captured;
        beforeEach(async () => (c = await render({ canaryImage: "vllm/vllm-openai:v0.11.1", canaryModelRevision: NEW_REVISION })));

        it("adds <name>-canary with the new image and revision, one replica, track=canary", () => {
            const canary = deployments(c)["vllm-server-canary"];
            const pod = canary.spec.template;
            expect(canary.spec.replicas).to.equal(1);
            expect(pod.metadata.labels).to.include({ [TRACK_LABEL]: "canary" });
            expect(pod.spec.containers[0].image).to.equal("vllm/vllm-openai:v0.11.1");
            expect(pod.spec.containers[0].args).to.include(`--revision=${NEW_REVISION}`);
            expect(canary.spec.selector.matchLabels).to.include({ [TRACK_LABEL]: "canary" });
        });

        it("leaves the stable Deployment exactly as without a canary (so removing the canary restores the stack)", async () => {
            const without = deployments(await render())["vllm-server"];
            expect(deployments(c)["vllm-server"]).to.deep.equal(without);
        });

        it("canary pods carry the Service's selector, so the Service routes to them; the stable selector does not pick the canary's own", () => {
            const service = c.one("kubernetes:core/v1:Service").inputs;
            const d = deployments(c);
            expect(matches(service.spec.selector, d["vllm-server-canary"].spec.template.metadata.labels)).to.equal(true);
            expect(matches(d["vllm-server-canary"].spec.selector.matchLabels, d["vllm-server"].spec.template.metadata.labels)).to.equal(false);
        });

        it("the HPA keeps targeting the stable Deployment; pulumi up does not wait for the canary", () => {
            const hpa = c.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs;
            expect(hpa.spec.scaleTargetRef).to.include({ kind: "Deployment", name: "vllm-server" });
            expect(deployments(c)["vllm-server-canary"].metadata.annotations).to.include({ "pulumi.com/skipAwait": "true" });
            expect(deployments(c)["vllm-server"].metadata.annotations).to.not.have.property("pulumi.com/skipAwait");
        });

        it("both tracks sleep in preStop so endpoints drop a terminating pod before vLLM stops", () => {
            for (const d of Object.values(deployments(c))) {
                expect(d.spec.template.spec.containers[0].lifecycle).to.deep.equal({ preStop: { exec: { command: ["sleep", String(PRE_STOP_SLEEP_SECONDS)] } } });
            }
        });
    });

    it("canaryReplicas sets the canary's pods; without canaryModelRevision the stable revision is used", async () => {
        const canary = deployments(await render({ canaryImage: "vllm/vllm-openai:v0.11.1", canaryReplicas: 2 }))["vllm-server-canary"];
        expect(canary.spec.replicas).to.equal(2);
        expect(canary.spec.template.spec.containers[0].args).to.include(`--revision=${BASE.modelRevision}`);
    });

    describe("bad input names the key and creates nothing", () => {
        const cases: [Partial<VllmServiceArgs>, string][] = [
            [{ canaryImage: "vllm/vllm-openai:latest" }, "canaryImage:"],
            [{ canaryImage: "vllm/vllm-openai" }, "canaryImage:"],
            [{ canaryImage: "vllm/VLLM-openai:v0.11.1" }, "canaryImage:"],
            [{ canaryImage: "vllm/vllm-openai:v0.11.1", canaryModelRevision: "main" }, "canaryModelRevision:"],
            [{ canaryImage: "vllm/vllm-openai:v0.11.1", canaryReplicas: 0 }, "canaryReplicas:"],
            [{ canaryImage: "vllm/vllm-openai:v0.11.1", canaryReplicas: 9 }, "canaryReplicas:"],
            [{ canaryImage: "vllm/vllm-openai:v0.11.1", canaryReplicas: 1.5 }, "canaryReplicas:"],
            [{ canaryModelRevision: NEW_REVISION }, "canaryModelRevision: is set but canaryImage is not"],
        ];
        for (const [args, message] of cases) {
            it(`${JSON.stringify(args)} -> ${message}`, async () => {
                expect(() => validateArgs("vllm-server", { ...BASE, ...args })).to.throw(message);
                let created = -1;
                try {
                    created = (await render(args)).resources.length;
                } catch {
                    created = 0;
                }
                expect(created).to.equal(0);
            });
        }
        it("canaryReplicas without canaryImage is ignored (no canary)", async () => {
            expect(Object.keys(deployments(await render({ canaryReplicas: 3 })))).to.deep.equal(["vllm-server"]);
        });
    });

    it("pinProblems (what npm run upgrade checks --image with) gives the component's own message", () => {
        expect(pinProblems({ image: "vllm/vllm-openai:v0.11.1", imageKey: "--image" })).to.deep.equal([]);
        const [problem] = pinProblems({ image: "vllm/vllm-openai:latest", imageKey: "--image" });
        expect(() => validateArgs("x", { ...BASE, image: "vllm/vllm-openai:latest" })).to.throw(problem.replace(/^--image:/, "image:"));
        expect(pinProblems({ image: "vllm/vllm-openai:v0.11.1", imageKey: "--image", revision: "main", revisionKey: "--model-revision" })[0]).to.match(/^--model-revision:/);
    });
});
