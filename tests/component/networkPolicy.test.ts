/**
 * The NetworkPolicy child (issue 9, section 3) and the secret check that gates every child, under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { VllmServiceArgs } from "../../components/args";
import { VllmServiceArgsError } from "../../components/validate";
import { VllmService } from "../../components/vllmService";
import { runWithMocks } from "../support/pulumiMocks";

const BASE: VllmServiceArgs = { model: "meta-llama/Llama-3.1-8B-Instruct", modelRevision: "0e9e39f249a16976918f6564b8830bc894c89659" };
const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const SELECTOR = { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": "vllm-server" };

async function policyOf(args: Partial<VllmServiceArgs>) {
    const { captured } = await runWithMocks(() => new VllmService("vllm-server", { ...BASE, ...args }));
    return captured.ofType(NP).map((r) => r.inputs);
}

describe("VllmService NetworkPolicy (mocks)", () => {
    it("by default admits only the monitoring namespace, only on TCP 8000, to the vLLM pods", async () => {
        const [np] = await policyOf({});
        expect(np.metadata).to.deep.include({ name: "vllm-server", namespace: "serving" });
        expect(np.spec).to.deep.equal({
            podSelector: { matchLabels: SELECTOR },
            policyTypes: ["Ingress"],
            ingress: [{
                from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
                ports: [{ protocol: "TCP", port: 8000 }],
            }],
        });
    });

    it("admits the named namespaces and same-namespace pods, each once", async () => {
        const [np] = await policyOf({
            allowedNamespaces: ["gateway", "monitoring", "gateway"],
            allowedPodSelectors: [{ app: "chat-ui" }, { "example.com/role": "batch", tier: "jobs" }],
            monitoringNamespace: "prometheus",
        });
        expect(np.spec.ingress[0].from).to.deep.equal([
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateway" } } },
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "prometheus" } } },
            { podSelector: { matchLabels: { app: "chat-ui" } } },
            { podSelector: { matchLabels: { "example.com/role": "batch", tier: "jobs" } } },
        ]);
    });

    it("selects exactly the Deployment's pods", async () => {
        const { captured } = await runWithMocks(() => new VllmService("chat", { ...BASE, namespace: "llm" }));
        const pods = captured.one("kubernetes:apps/v1:Deployment").inputs.spec.template.metadata.labels;
        const selector = captured.one(NP).inputs.spec.podSelector.matchLabels;
        for (const [k, v] of Object.entries(selector)) expect(pods[k], k).to.equal(v);
        expect(captured.one(NP).inputs.metadata.namespace).to.equal("llm");
    });

    it("is not created when switched off", async () => {
        expect(await policyOf({ networkPolicyEnabled: false })).to.deep.equal([]);
    });
});

describe("secrets given as Outputs (mocks)", () => {
    /**
     * Runs the component and collects the first failure. A failed registration surfaces as
     * unhandled rejections (the engine turns the first into the program's error): they are caught
     * until the first has come and none for 300 ms more, or for `quietMs` when none is expected
     * (10 s at most either way).
     */
    async function attempt(args: Partial<VllmServiceArgs>, expectFailure: boolean) {
        let caught: unknown;
        let last = 0;
        const onReject = (e: unknown) => {
            caught = caught ?? e;
            last = Date.now();
        };
        process.on("unhandledRejection", onReject);
        try {
            const started = Date.now();
            const { captured } = await runWithMocks(() => new VllmService("vllm-server", { ...BASE, ...args }));
            const done = () => (expectFailure ? caught !== undefined && Date.now() - last >= 300 : Date.now() - started >= 1000);
            while (!done() && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
            return { captured, caught };
        } finally {
            process.off("unhandledRejection", onReject);
        }
    }

    for (const [key, value] of [["apiKey", "  "], ["hfToken", ""]] as const) {
        it(`a blank ${key} from config fails with the component's error and registers no child`, async () => {
            const { captured, caught } = await attempt({ [key]: pulumi.secret(value) }, true);
            expect(caught).to.be.instanceOf(VllmServiceArgsError);
            expect(String(caught)).to.match(new RegExp(`invalid VllmService "vllm-server"[\\s\\S]*${key}: is empty or blank`));
            expect(captured.resources.map((r: { type: string }) => r.type)).to.deep.equal([]);
        });
    }

    it("a valid secret Output creates the Secret and every other child", async () => {
        const { captured, caught } = await attempt({ apiKey: pulumi.secret("sk-valid"), hfToken: pulumi.secret("hf_valid") }, false);
        expect(caught).to.equal(undefined);
        expect(captured.ofType("kubernetes:core/v1:Secret")).to.have.length(2);
        expect(captured.ofType(NP)).to.have.length(1);
    });
});
