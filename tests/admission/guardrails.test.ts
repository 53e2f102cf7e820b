/**
 * VllmGuardrails under mocks: the objects it registers are components/admission's, every child is parented to
 * the component, bindings wait for their policies, and bad args register nothing.
 */
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import { expect } from "chai";
import * as path from "path";
import { guardrailPolicy, GuardrailOptionsError } from "../../components/admission";
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
        // The policy's CEL is exactly components/admission's (the same source as the committed YAML).
        expect(captured.ofType(VAP).find(r => r.inputs.metadata.name === "vllm-image-pinned")!.inputs.spec.variables).to.deep.equal(guardrailPolicy("vllm-image-pinned").spec.variables);
    });

    it("takes rules, per-rule enforcement and a namespace selector", async () => {
        const namespaceSelector = { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system"] }] };
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

    it("has plain data args the component package's analyzer can describe (pulumi package add) @typecheck", function () {
        this.timeout(120_000); // type-checks the component package
        const dir = path.join(__dirname, "..", "..", "components");
        const pkg = require(path.join(dir, "package.json"));
        const schema = new Analyzer(dir, pkg.name, pkg, new Set(["VllmGuardrails"])).analyze();
        const inputs = schema.components.VllmGuardrails.inputs;
        expect(Object.keys(inputs).sort()).to.deep.equal(["enforcement", "minShmSize", "namespaceSelector", "requireDigest", "rules"]);
        expect(inputs.enforcement).to.deep.include({ type: "object", additionalProperties: { type: "string", plain: true } });
        expect(Object.keys(schema.typeDefinitions).sort()).to.deep.equal(["GuardrailsNamespaceRequirement", "GuardrailsNamespaceSelector"]);
    });

    it("refuses a namespace selector operator Kubernetes does not know", async () => {
        const bad = () => new VllmGuardrails("g", { namespaceSelector: { matchExpressions: [{ key: "team", operator: "Equals", values: ["ml"] }] } });
        expect(bad).to.throw(GuardrailOptionsError, /namespaceSelector\.matchExpressions\[0\]\.operator: "Equals" is not one of In, NotIn, Exists, DoesNotExist/);
    });

    it("refuses bad args naming the key, registering nothing", async () => {
        try {
            await runWithMocks(() => new VllmGuardrails("g", { enforcement: { "vllm-tp-matches-gpus": "sometimes" } }));
            expect.fail("accepted a bad level");
        } catch (e) {
            expect(e).to.be.instanceOf(GuardrailOptionsError);
            expect((e as Error).message).to.match(/enforcement\.vllm-tp-matches-gpus: "sometimes"/);
            expect((e as { captured: { all: unknown[] } }).captured.all).to.have.length(0);
        }
    });
});
