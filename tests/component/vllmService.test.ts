/**
 * The component under mocks: every object it sends to Kubernetes, field by field.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { VllmServiceArgs } from "../../components/args";
import { VllmService } from "../../components/vllmService";
import { Captured, MOCK_API_KEY, runWithMocks, unwrapSecret, valueOf } from "../support/pulumiMocks";

const T = {
    secret: "kubernetes:core/v1:Secret",
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    namespace: "kubernetes:core/v1:Namespace",
    serviceMonitor: "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
    prometheusRule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
    configMap: "kubernetes:core/v1:ConfigMap",
    password: "random:index/randomPassword:RandomPassword",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};

const BASE: VllmServiceArgs = { model: "meta-llama/Llama-3.1-8B-Instruct", modelRevision: "0e9e39f249a16976918f6564b8830bc894c89659" };

async function render(args: Partial<VllmServiceArgs> = {}): Promise<{ c: Captured; svc: VllmService }> {
    const { captured, result } = await runWithMocks(() => new VllmService("vllm-server", { ...BASE, ...args }));
    return { c: captured, svc: result };
}

function container(c: Captured) {
    const pod = c.one(T.deployment).inputs.spec.template.spec;
    expect(pod.containers).to.have.length(1);
    return pod.containers[0];
}

describe("VllmService (mocks)", () => {
    describe("with defaults", () => {
        let c: Captured;
        let svc: VllmService;
        // beforeEach, not before: per-test coverage (npm run mutation) then credits each assertion with the render.
        beforeEach(async () => ({ c, svc } = await render()));

        it("creates exactly the recipe's objects", () => {
            expect(c.resources.map((r) => r.type).sort()).to.deep.equal(
                [T.deployment, T.hpa, T.password, T.secret, T.service, T.networkPolicy, T.serviceMonitor, T.prometheusRule, T.configMap, T.configMap].sort());
        });

        it("ships SLO rules labelled for Prometheus, the adapter rule and a dashboard for the sidecar", async () => {
            const rule = c.one(T.prometheusRule).inputs;
            expect(rule.metadata).to.deep.include({ name: "vllm-server-slo", namespace: "serving" });
            expect(rule.metadata.labels).to.include({ release: "kube-prom" });
            const alerts = rule.spec.groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert);
            expect(alerts.length).to.be.greaterThan(3);
            const maps = c.ofType(T.configMap).map((r) => r.inputs);
            const adapter = maps.find((cm) => cm.metadata.name === "vllm-server-adapter-rules")!;
            expect(adapter.data["config.yaml"]).to.contain("vllm:num_requests_waiting");
            expect(await valueOf(svc.adapterRules)).to.equal(adapter.data["config.yaml"]);
            const dashboard = maps.find((cm) => cm.metadata.name === "vllm-server-dashboard")!;
            expect(dashboard.metadata.labels).to.include({ grafana_dashboard: "1" });
            expect(JSON.parse(Object.values(dashboard.data)[0] as string).panels.length).to.be.greaterThan(3);
        });

        it("runs the pinned vLLM image with the recipe's flags", () => {
            const ctr = container(c);
            expect(ctr.image).to.equal("vllm/vllm-openai:v0.11.0");
            expect(ctr.args).to.deep.equal([
                "--model=meta-llama/Llama-3.1-8B-Instruct",
                "--revision=0e9e39f249a16976918f6564b8830bc894c89659",
                "--served-model-name=default",
                "--tensor-parallel-size=1",
                "--max-model-len=8192",
                "--gpu-memory-utilization=0.9",
                "--port=8000",
            ]);
            expect(ctr.ports).to.deep.equal([{ name: "http", containerPort: 8000, protocol: "TCP" }]);
        });

        it("requests and limits as many GPUs as the tensor-parallel size", () => {
            const { requests, limits } = container(c).resources;
            expect(requests["nvidia.com/gpu"]).to.equal("1");
            expect(limits["nvidia.com/gpu"]).to.equal("1");
            expect(requests).to.include({ cpu: "4", memory: "32Gi" });
        });

        it("probes /health with a startup probe covering the whole weight load", () => {
            const ctr = container(c);
            for (const probe of [ctr.startupProbe, ctr.readinessProbe, ctr.livenessProbe]) {
                expect(probe.httpGet).to.deep.equal({ path: "/health", port: "http" });
            }
            expect(ctr.startupProbe.periodSeconds * ctr.startupProbe.failureThreshold).to.equal(1800);
        });

        it("mounts a memory-backed /dev/shm with the size limit", () => {
            const pod = c.one(T.deployment).inputs.spec.template.spec;
            expect(container(c).volumeMounts).to.deep.equal([{ name: "dshm", mountPath: "/dev/shm" }]);
            expect(pod.volumes).to.deep.equal([{ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "16Gi" } }]);
        });

        it("leaves replicas to the HPA and waits for slow rollouts", () => {
            const d = c.one(T.deployment).inputs;
            expect(d.spec).to.not.have.property("replicas");
            expect(d.spec.progressDeadlineSeconds).to.equal(2100);
            expect(d.metadata.annotations["pulumi.com/timeoutSeconds"]).to.equal("2100");
            expect(c.one(T.service).inputs.metadata.annotations["pulumi.com/timeoutSeconds"]).to.equal("2100");
        });

        it("tolerates the GPU taint", () => {
            expect(c.one(T.deployment).inputs.spec.template.spec.tolerations)
                .to.deep.equal([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
        });

        it("links Deployment, Service, ServiceMonitor and HPA by the same labels and names", () => {
            const d = c.one(T.deployment).inputs;
            const s = c.one(T.service).inputs;
            const sm = c.one(T.serviceMonitor).inputs;
            const hpa = c.one(T.hpa).inputs;
            const selector = { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": "vllm-server" };
            expect(d.spec.selector.matchLabels).to.deep.equal(selector);
            expect(d.spec.template.metadata.labels).to.include(selector);
            expect(s.spec.selector).to.deep.equal(selector);
            expect(s.metadata.labels).to.include(selector);
            expect(sm.spec.selector.matchLabels).to.deep.equal(selector);
            expect(hpa.spec.scaleTargetRef).to.deep.equal({ apiVersion: "apps/v1", kind: "Deployment", name: d.metadata.name });
            for (const o of [d, s, sm, hpa]) {
                expect(o.metadata).to.include({ name: "vllm-server", namespace: "serving" });
            }
        });

        it("exposes port 8000 as http on the Service", () => {
            expect(c.one(T.service).inputs.spec).to.deep.include({
                type: "ClusterIP", ports: [{ name: "http", port: 8000, targetPort: "http", protocol: "TCP" }],
            });
        });

        it("scrapes /metrics on the http port every 15 s with the Prometheus selector labels", () => {
            const sm = c.one(T.serviceMonitor).inputs;
            expect(sm.apiVersion).to.equal("monitoring.coreos.com/v1");
            expect(sm.metadata.labels).to.include({ release: "kube-prom" });
            expect(sm.spec.endpoints).to.deep.equal([{ port: "http", path: "/metrics", interval: "15s" }]);
            expect(sm.spec.namespaceSelector).to.deep.equal({ matchNames: ["serving"] });
        });

        it("scales on waiting requests per pod, fast up and slow down", () => {
            const spec = c.one(T.hpa).inputs.spec;
            expect(spec).to.deep.include({ minReplicas: 1, maxReplicas: 8 });
            expect(spec.metrics).to.deep.equal([{
                type: "Pods",
                pods: { metric: { name: "vllm:num_requests_waiting" }, target: { type: "AverageValue", averageValue: "5" } },
            }]);
            expect(spec.behavior).to.deep.equal({
                scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: "Pods", value: 2, periodSeconds: 60 }] },
                scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Pods", value: 1, periodSeconds: 120 }] },
            });
        });

        it("stores a generated API key in a Secret and hands it to vLLM by reference only", () => {
            const secret = c.one(T.secret).inputs;
            expect(secret.metadata.name).to.equal("vllm-server-api-key");
            expect(unwrapSecret(secret.stringData)).to.deep.equal({ secret: true, value: { "api-key": MOCK_API_KEY } });
            expect(c.one(T.password).inputs).to.include({ length: 48, special: false });
            const ctr = container(c);
            expect(ctr.env).to.deep.equal([{ name: "VLLM_API_KEY", valueFrom: { secretKeyRef: { name: "vllm-server-api-key", key: "api-key" } } }]);
            expect(JSON.stringify(ctr)).to.not.contain(MOCK_API_KEY);
        });

        it("exports the endpoint, names and a secret API key", async () => {
            expect(await valueOf(svc.url)).to.equal("http://vllm-server.serving.svc.cluster.local:8000/v1");
            expect(await valueOf(svc.serviceName)).to.equal("vllm-server");
            expect(await valueOf(svc.deploymentName)).to.equal("vllm-server");
            expect(await valueOf(svc.hpaName)).to.equal("vllm-server");
            expect(await valueOf(svc.namespace)).to.equal("serving");
            expect(await valueOf(svc.servedModelName)).to.equal("default");
            expect(await pulumi.isSecret(svc.apiKey)).to.equal(true);
            expect(await valueOf(svc.apiKey)).to.equal(MOCK_API_KEY);
        });
    });

    it("parents every child to the component, so they move and delete with it", async () => {
        const parents: Array<[string, pulumi.Resource | undefined]> = [];
        let component: VllmService | undefined;
        await runWithMocks(() => {
            component = new VllmService("vllm-server", { ...BASE, createNamespace: true, hfToken: "hf_x" }, {
                // Transformations see each child's final options, parent included.
                transformations: [(a) => { if (a.type !== "vllm:index:VllmService") { parents.push([a.type, a.opts.parent]); } return undefined; }],
            });
        });
        expect(parents.map(([type]) => type).sort()).to.deep.equal([T.namespace, T.secret, T.secret, T.password, T.deployment, T.service, T.networkPolicy, T.serviceMonitor, T.prometheusRule, T.configMap, T.configMap, T.hpa].sort());
        for (const [type, parent] of parents) {
            expect(parent, type).to.equal(component);
        }
    });

    it("creates the HF token Secret from a secret and mounts it as HF_TOKEN and HUGGING_FACE_HUB_TOKEN", async () => {
        const { c } = await render({ hfToken: pulumi.secret("hf_test_token"), apiKeyEnabled: false });
        const secret = c.one(T.secret).inputs;
        expect(secret.metadata.name).to.equal("vllm-server-hf-token");
        expect(unwrapSecret(secret.stringData)).to.deep.equal({ secret: true, value: { token: "hf_test_token" } });
        const ref = { secretKeyRef: { name: "vllm-server-hf-token", key: "token" } };
        expect(container(c).env).to.deep.equal([{ name: "HF_TOKEN", valueFrom: ref }, { name: "HUGGING_FACE_HUB_TOKEN", valueFrom: ref }]);
    });

    it("references an existing token Secret instead of creating one", async () => {
        const { c } = await render({ hfTokenSecretName: "hf", hfTokenSecretKey: "hf-token", apiKeyEnabled: false });
        expect(c.ofType(T.secret)).to.have.length(0);
        expect(container(c).env[0]).to.deep.equal({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf", key: "hf-token" } } });
    });

    it("uses a supplied API key instead of generating one", async () => {
        const { c, svc } = await render({ apiKey: pulumi.secret("supplied-key") });
        expect(c.ofType(T.password)).to.have.length(0);
        expect(unwrapSecret(c.one(T.secret).inputs.stringData)).to.deep.equal({ secret: true, value: { "api-key": "supplied-key" } });
        expect(await pulumi.isSecret(svc.apiKey)).to.equal(true);
    });

    it("creates no Secret, password or env for a public model without an API key", async () => {
        const { c, svc } = await render({ apiKeyEnabled: false });
        expect(c.ofType(T.secret)).to.have.length(0);
        expect(c.ofType(T.password)).to.have.length(0);
        expect(container(c).env).to.deep.equal([]);
        expect(await valueOf(svc.apiKey)).to.equal(undefined);
    });

    it("gives the pod TP x PP GPUs and passes both flags", async () => {
        const { c } = await render({ tensorParallelSize: 4, pipelineParallelSize: 2 });
        const ctr = container(c);
        expect(ctr.args).to.include.members(["--tensor-parallel-size=4", "--pipeline-parallel-size=2"]);
        expect(ctr.resources.limits["nvidia.com/gpu"]).to.equal("8");
        expect(ctr.resources.requests["nvidia.com/gpu"]).to.equal("8");
    });

    it("appends extra args after its own flags", async () => {
        const { c } = await render({ extraArgs: ["--enable-prefix-caching", "--dtype=bfloat16"] });
        expect(container(c).args.slice(-2)).to.deep.equal(["--enable-prefix-caching", "--dtype=bfloat16"]);
    });

    it("sets fixed replicas and creates no HPA when autoscaling is off", async () => {
        const { c, svc } = await render({ autoscalingEnabled: false, replicas: 3 });
        expect(c.ofType(T.hpa)).to.have.length(0);
        expect(c.one(T.deployment).inputs.spec.replicas).to.equal(3);
        expect(await valueOf(svc.hpaName)).to.equal(undefined);
    });

    it("creates no ServiceMonitor or PrometheusRule when the Prometheus Operator is absent", async () => {
        const { c } = await render({ serviceMonitorEnabled: false, prometheusRuleEnabled: false });
        expect(c.kind("ServiceMonitor")).to.have.length(0);
        expect(c.kind("PrometheusRule")).to.have.length(0);
    });

    it("creates no adapter or dashboard ConfigMap when they are switched off", async () => {
        const { c, svc } = await render({ adapterConfigMapEnabled: false, grafanaDashboardEnabled: false });
        expect(c.ofType(T.configMap)).to.have.length(0);
        expect(await valueOf(svc.adapterRules)).to.contain("vllm:num_requests_waiting");
    });

    it("creates the namespace when asked", async () => {
        const { c } = await render({ createNamespace: true, namespace: "llm", labels: { team: "ml" } });
        expect(c.one(T.namespace).inputs.metadata).to.deep.include({ name: "llm" });
        expect(c.one(T.deployment).inputs.metadata.labels).to.include({ team: "ml" });
    });

    it("derives every wait from one startup timeout", async () => {
        const { c } = await render({ startupTimeoutSeconds: 3600 });
        const d = c.one(T.deployment).inputs;
        const probe = d.spec.template.spec.containers[0].startupProbe;
        expect(probe.periodSeconds * probe.failureThreshold).to.equal(3600);
        expect(d.spec.progressDeadlineSeconds).to.equal(3900);
        expect(d.metadata.annotations["pulumi.com/timeoutSeconds"]).to.equal("3900");
    });

    it("uses custom HPA settings", async () => {
        const { c } = await render({ minReplicas: 2, maxReplicas: 4, queueTarget: 3, scaleDownStabilizationSeconds: 600 });
        const spec = c.one(T.hpa).inputs.spec;
        expect(spec).to.deep.include({ minReplicas: 2, maxReplicas: 4 });
        expect(spec.metrics[0].pods.target.averageValue).to.equal("3");
        expect(spec.behavior.scaleDown.stabilizationWindowSeconds).to.equal(600);
    });

    it("fails before creating anything when args are invalid", async () => {
        const error = await runWithMocks(() => new VllmService("vllm-server", { ...BASE, maxReplicas: 0 })).then(() => undefined, (e) => e);
        expect(String(error)).to.match(/maxReplicas: must be >= 1/);
        expect(error.captured.all).to.deep.equal([]);
    });
});
