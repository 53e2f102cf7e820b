/**
 * VllmGuardrails under mocks: the objects it registers are admission/'s, every child is parented to
 * the component, bindings wait for their policies, and bad args register nothing.
 */
import { expect } from "chai";
import { guardrailPolicy, GuardrailOptionsError } from "../../admission";
import { VllmGuardrails } from "../../components/index";
import { runWithMocks } from "../support/pulumiMocks";

const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";

describe("VllmGuardrails component (mocks)", () => {
    it("creates one policy and one binding per rule by default, all denying", async () => {
        const { captured } = await runWithMocks(() => new VllmGuardrails("guardrails"));
        expect(captured.ofType(VAP).map(r => r.inputs.metadata.name).sort()).to.deep.equal(["hpa-no-gpu-utilization", "vllm-image-pinned", "vllm-shm-size", "vllm-tp-matches-gpus"]);
        expect(captured.ofType(BINDING).map(r => [r.inputs.spec.policyName, r.inputs.spec.validationActions]).sort()).to.deep.equal([
            ["hpa-no-gpu-utilization", ["Deny"]],
            ["vllm-image-pinned", ["Deny"]],
            ["vllm-shm-size", ["Deny"]],
            ["vllm-tp-matches-gpus", ["Deny"]],
        ]);
        // The policy's CEL is exactly admission/'s (the same source as the committed YAML).
        expect(captured.ofType(VAP).find(r => r.inputs.metadata.name === "vllm-image-pinned")!.inputs.spec.variables).to.deep.equal(guardrailPolicy("vllm-image-pinned").spec.variables);
    });

    it("takes rules, per-rule enforcement and a namespace selector", async () => {
        const namespaceSelector = { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn" as const, values: ["kube-system"] }] };
        const { captured, result } = await runWithMocks(
            () => new VllmGuardrails("g", { rules: ["vllm-tp-matches-gpus", "vllm-shm-size", "vllm-image-pinned"], enforcement: { "vllm-shm-size": "advisory", "vllm-image-pinned": "disabled" }, namespaceSelector }),
        );
        const specs = captured.ofType(BINDING).map(r => r.inputs.spec).sort((a, b) => a.policyName.localeCompare(b.policyName));
        expect(specs).to.deep.equal([
            { policyName: "vllm-shm-size", validationActions: ["Warn", "Audit"], matchResources: { namespaceSelector } },
            { policyName: "vllm-tp-matches-gpus", validationActions: ["Deny"], matchResources: { namespaceSelector } },
        ]);
        expect(await new Promise(resolve => result.policyNames.apply(resolve))).to.deep.equal(["vllm-tp-matches-gpus", "vllm-shm-size"]);
    });

    it("parents every child to the component and makes each binding depend on its policy", async () => {
        const seen: Array<{ type: string; name: string; parent?: unknown; dependsOn?: unknown }> = [];
        let component: VllmGuardrails | undefined;
        await runWithMocks(() => {
            component = new VllmGuardrails("g", { rules: ["vllm-shm-size"] }, {
                // Transformations see each child's final options, parent and dependsOn included.
                transformations: [(a) => { if (a.type !== "vllm:index:VllmGuardrails") seen.push({ type: a.type, name: a.name, parent: a.opts.parent, dependsOn: a.opts.dependsOn }); return undefined; }],
            });
            return component;
        });
        expect(seen.map(s => s.type)).to.deep.equal([VAP, BINDING]);
        for (const s of seen) expect(s.parent, s.type).to.equal(component);
        const policy = seen[0];
        expect(seen[1].dependsOn).to.be.an("array").with.length(1);
        expect(((seen[1].dependsOn as unknown[])[0] as { constructor: { name: string } }).constructor.name).to.equal("ValidatingAdmissionPolicy");
        expect(policy.name).to.equal("g-vllm-shm-size");
    });

    it("refuses bad args naming the key, registering nothing", async () => {
        try {
            await runWithMocks(() => new VllmGuardrails("g", { enforcement: { "vllm-tp-matches-gpus": "sometimes" as never } }));
            expect.fail("accepted a bad level");
        } catch (e) {
            expect(e).to.be.instanceOf(GuardrailOptionsError);
            expect((e as Error).message).to.match(/enforcement\.vllm-tp-matches-gpus: "sometimes"/);
            expect((e as { captured: { all: unknown[] } }).captured.all).to.have.length(0);
        }
    });
});
