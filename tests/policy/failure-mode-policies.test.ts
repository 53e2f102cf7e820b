/**
 * The policies for the recipe's other failure modes: /dev/shm, scale-down thrash, probes,
 * token handling and ServiceMonitor wiring. Both directions are in fixtures.test.ts; here,
 * the messages and the options.
 */
import { expect } from "chai";
import { hfTokenFromSecret, hpaScaleDownStabilization, serviceMonitorSelectsService, vllmHealthProbes, vllmShmSize } from "../../policy/policies";
import { UNKNOWN_STRING, validateResource, validateStack } from "../../policy/runPolicies";
import { fixture, messages, runResourcePolicy, runStackPolicy } from "./support";

describe("vllm-shm-size", () => {
    it("says what is wrong with /dev/shm and what to mount", async () => {
        const cases: Array<[string, string]> = [
            ["shm-missing-tp2.yaml", 'container "vllm" runs 2 GPU workers (tensor-parallel 2) but mounts nothing at /dev/shm'],
            ["shm-too-small-tp2.yaml", "has /dev/shm sizeLimit 64Mi, below the minimum 2Gi"],
            ["shm-disk-backed-tp2.yaml", "which is not an emptyDir with medium: Memory"],
        ];
        for (const [file, text] of cases) {
            const found = messages(await runResourcePolicy(vllmShmSize, file));
            expect(found, file).to.have.length(1);
            expect(found[0]).to.include(text).and.include("Mount an emptyDir { medium: Memory, sizeLimit: 16Gi } at /dev/shm");
        }
    });

    it("takes its minimum from the minSize option", async () => {
        const config = { "vllm-shm-size": { minSize: "32Gi" } };
        expect(messages(await runResourcePolicy(vllmShmSize, "tp-flag-equals-match.yaml", config))[0]).to.include("sizeLimit 16Gi, below the minimum 32Gi");
        expect(await runResourcePolicy(vllmShmSize, "shm-too-small-tp2.yaml", { "vllm-shm-size": { minSize: "64Mi" } })).to.deep.equal([]);
    });
});

describe("hpa-scale-down-stabilization", () => {
    it("is advisory by default and names the field and its value", async () => {
        const [v] = await runResourcePolicy(hpaScaleDownStabilization, "hpa-scale-down-window-60s.yaml");
        expect(v.enforcementLevel).to.equal("advisory");
        expect(v.message).to.include("spec.behavior.scaleDown.stabilizationWindowSeconds is 60s, below 300s");
        const [k] = await runResourcePolicy(hpaScaleDownStabilization, "keda-scale-down-window-30s.yaml");
        expect(k.message).to.include("spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds is 30s");
    });

    it("takes its minimum from minSeconds, and ignores a disabled scale-down", async () => {
        expect(await runResourcePolicy(hpaScaleDownStabilization, "hpa-scale-down-window-60s.yaml", { "hpa-scale-down-stabilization": { minSeconds: 60 } })).to.deep.equal([]);
        expect(await runResourcePolicy(hpaScaleDownStabilization, "hpa-queue-depth.yaml", { "hpa-scale-down-stabilization": { minSeconds: 600 } })).to.have.length(1);
        const [hpa] = fixture("hpa-scale-down-window-60s.yaml");
        hpa.props.spec.behavior.scaleDown.selectPolicy = "Disabled";
        expect(await validateResource(hpaScaleDownStabilization, hpa)).to.deep.equal([]);
    });
});

describe("vllm-health-probes", () => {
    it("reports each missing or misdirected probe of the vLLM container", async () => {
        expect(messages(await runResourcePolicy(vllmHealthProbes, "probes-missing.yaml"))).to.deep.equal([
            'container "vllm" has no readinessProbe. Add readinessProbe: httpGet { path: /health, port: 8000 }.',
            'container "vllm" has no livenessProbe. Add livenessProbe: httpGet { path: /health, port: 8000 }.',
        ]);
        expect(messages(await runResourcePolicy(vllmHealthProbes, "probes-wrong-target.yaml"))).to.deep.equal([
            'container "vllm": readinessProbe uses httpGet /v1/models, not /health. Point it at httpGet { path: /health }.',
            'container "vllm": livenessProbe uses tcpSocket, not /health. Point it at httpGet { path: /health }.',
        ]);
    });

    it("leaves non-vLLM containers (sidecars, Triton, TGI) alone", async () => {
        for (const file of ["triton-not-vllm.yaml", "tgi-not-vllm.yaml", "workload-kinds-latest.yaml"]) {
            expect(await runResourcePolicy(vllmHealthProbes, file), file).to.deep.equal([]);
        }
    });
});

describe("hf-token-from-secret", () => {
    const TOKEN = "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345678";

    it("reports literal tokens without ever printing them", async () => {
        for (const file of ["hf-token-literal-env.yaml", "hf-token-literal-other-name.yaml", "hf-token-cli-flag-literal.yaml", "hf-token-literal-init-container.yaml"]) {
            const found = messages(await runResourcePolicy(hfTokenFromSecret, file));
            expect(found, file).to.have.length(1);
            expect(found[0]).to.include("redacted").and.include("secretKeyRef").and.not.include(TOKEN);
        }
        expect(messages(await runResourcePolicy(hfTokenFromSecret, "hf-token-literal-env.yaml"))[0]).to.include('container "vllm": env HUGGING_FACE_HUB_TOKEN is a literal value');
    });

    it("accepts secretKeyRef and references to it; a computed HF_TOKEN value (unknown in preview) is still a literal", async () => {
        expect(await runResourcePolicy(hfTokenFromSecret, "hf-token-secret-ref.yaml")).to.deep.equal([]);
        const pod = (env: object[]) => ({ type: "kubernetes:core/v1:Pod", name: "p", props: { spec: { containers: [{ name: "vllm", image: "vllm/vllm-openai:v0.8.5", env }] } } });
        expect(await validateResource(hfTokenFromSecret, pod([{ name: "OTHER", value: UNKNOWN_STRING }, { name: "HF_TOKEN", value: "" }]))).to.deep.equal([]);
        expect(messages(await validateResource(hfTokenFromSecret, pod([{ name: "HF_TOKEN", value: UNKNOWN_STRING }])))).to.have.length(1);
    });
});

describe("servicemonitor-selects-service (stack policy)", () => {
    it("names the selector and the Services it could have matched", async () => {
        const [v] = await runStackPolicy(serviceMonitorSelectsService, "servicemonitor-label-mismatch.yaml");
        expect(v.message).to.include("selector app=vllm-server matches no Service in the stack (Services there: vllm {app=vllm})");
        expect(v.resource?.props.kind).to.equal("ServiceMonitor");
        const [ns] = await runStackPolicy(serviceMonitorSelectsService, "servicemonitor-other-namespace.yaml");
        expect(ns.message).to.include("no Service in its namespace(s)");
        const [port] = await runStackPolicy(serviceMonitorSelectsService, "servicemonitor-port-name-mismatch.yaml");
        expect(port.message).to.include('spec.endpoints[0].port "metrics" is not a named port of vllm');
    });

    it("runs on Pulumi resources (CustomResource type kubernetes:monitoring.coreos.com/v1:ServiceMonitor) too", async () => {
        const resources = fixture("servicemonitor-matches-service.yaml").map(r => ({ type: r.type, name: r.name, props: r.props, urn: `urn:pulumi:dev::vllm::${r.type}::${r.name}` }));
        expect(resources.map(r => r.type)).to.deep.equal(["kubernetes:core/v1:Service", "kubernetes:monitoring.coreos.com/v1:ServiceMonitor"]);
        expect(await validateStack(serviceMonitorSelectsService, resources)).to.deep.equal([]);
        expect(await validateStack(serviceMonitorSelectsService, resources.slice(1))).to.have.length(1);
    });
});
