/** The doctor's pure core: each link's judge on facts as the readers produce them. */
import { expect } from "chai";
import { judgeAdapterLists } from "../../doctor/links/adapterLists";
import { judgeAdapterTiming, timingFromArgs } from "../../doctor/links/adapterTiming";
import { judgeApiService } from "../../doctor/links/apiService";
import { judgeHpa } from "../../doctor/links/hpa";
import { judgeMetricsEndpoint } from "../../doctor/links/metricsEndpoint";
import { judgePods } from "../../doctor/links/pods";
import { judgePrometheusRule } from "../../doctor/links/prometheusRule";
import { judgeSeries } from "../../doctor/links/series";
import { MonitorFact, ServiceMonitorFacts, judgeServiceMonitor, monitorSelectsService } from "../../doctor/links/serviceMonitor";
import { PrometheusFact } from "../../doctor/operatorSelection";

const NS = "vllm-dev";
const pod = (name: string, ready = true, extra: Partial<{ terminating: boolean; reason: string; restarts: number }> = {}) => ({
    name,
    ready,
    terminating: false,
    restarts: 0,
    ...extra,
});

describe("doctor links: pods Ready", () => {
    it("is ok when every live pod is Ready, ignoring terminating ones", () => {
        const v = judgePods({ namespace: NS, deployment: "d", pods: [pod("a"), pod("b", false, { terminating: true })] });
        expect(v.status).to.equal("ok");
        expect(v.detail).to.contain("1/1");
    });
    it("names the pod that is not Ready, its reason and how to look", () => {
        const v = judgePods({ namespace: NS, deployment: "d", pods: [pod("a"), pod("b", false, { reason: "CrashLoopBackOff", restarts: 3 })] });
        expect(v.status).to.equal("broken");
        expect(v.detail).to.contain("1/2 pods not Ready: b (CrashLoopBackOff), 3 restarts");
        expect(v.fix).to.contain(`kubectl -n ${NS} describe pod b`);
    });
    it("is broken when the Deployment has no pods", () => {
        const v = judgePods({ namespace: NS, deployment: "d", pods: [] });
        expect(v.status).to.equal("broken");
        expect(v.fix).to.contain("nvidia.com/gpu");
    });
});

describe("doctor links: /metrics answers", () => {
    const base = { namespace: NS, service: "s", portName: "http", servicePorts: ["http"], containerPort: 8000, path: "/metrics" };
    it("is ok when every probed pod answers 200 with the queue metric", () => {
        const v = judgeMetricsEndpoint({ ...base, probes: [{ pod: "a", status: 200, hasQueueMetric: true }] });
        expect(v).to.include({ status: "ok" });
        expect(v.detail).to.contain("port http (8000)");
    });
    it("is broken when the Service has no port of the ServiceMonitor's name", () => {
        const v = judgeMetricsEndpoint({ ...base, servicePorts: ["web"], probes: [] });
        expect(v.status).to.equal("broken");
        expect(v.detail).to.contain('no port named "http" (named ports: web)');
    });
    it("is broken when a pod does not answer, naming it", () => {
        const v = judgeMetricsEndpoint({ ...base, probes: [{ pod: "a", status: 200, hasQueueMetric: true }, { pod: "b", error: "connection refused", hasQueueMetric: false }] });
        expect(v.status).to.equal("broken");
        expect(v.detail).to.contain("1/2 pods (b: connection refused)");
    });
    it("is broken when /metrics lacks vllm:num_requests_waiting (--disable-log-stats)", () => {
        const v = judgeMetricsEndpoint({ ...base, probes: [{ pod: "a", status: 200, hasQueueMetric: false }] });
        expect(v.status).to.equal("broken");
        expect(v.fix).to.contain("--disable-log-stats");
    });
    it("cannot judge without a pod to ask", () => {
        expect(judgeMetricsEndpoint({ ...base, probes: [] }).status).to.equal("not checked");
    });
});

describe("doctor links: a Prometheus selects the ServiceMonitor", () => {
    const monitor: MonitorFact = { name: "vllm-server", labels: { release: "kube-prom" }, selector: { matchLabels: { app: "vllm" } }, endpointPorts: ["http"] };
    const prom: PrometheusFact = { namespace: "monitoring", name: "local", serviceMonitorSelector: { matchLabels: { release: "kube-prom" } }, serviceMonitorNamespaceSelector: {} };
    const facts = (o: Partial<ServiceMonitorFacts> = {}): ServiceMonitorFacts => ({
        namespace: NS,
        namespaceLabels: {},
        service: "vllm-server",
        serviceLabels: { app: "vllm" },
        monitors: [monitor],
        prometheuses: [prom],
        targets: [{ scrapePool: `serviceMonitor/${NS}/vllm-server/0`, scrapeUrl: "http://10.244.0.5:8000/metrics", health: "up", lastError: "" }],
        ...o,
    });
    it("is ok when selected and its targets are up", () => {
        const v = judgeServiceMonitor(facts());
        expect(v.status).to.equal("ok");
        expect(v.detail).to.contain("selected by Prometheus monitoring/local; 1/1 targets up");
    });
    it("with wrong labels: names what the Prometheus selects and the config to set", () => {
        const v = judgeServiceMonitor(facts({ monitors: [{ ...monitor, labels: { release: "wrong" } }] }));
        expect(v.status).to.equal("broken");
        expect(v.detail).to.contain("labels release=wrong").and.contain("monitoring/local selects release=kube-prom");
        expect(v.fix).to.contain("pulumi config set --path 'serviceMonitorLabels.release' kube-prom");
    });
    it("a null namespace selector looks only in the Prometheus' own namespace", () => {
        const v = judgeServiceMonitor(facts({ prometheuses: [{ ...prom, serviceMonitorNamespaceSelector: undefined }] }));
        expect(v.status).to.equal("broken");
        expect(v.detail).to.contain("looks only in its own namespace monitoring");
    });
    it("a namespace selector needs the namespace's labels", () => {
        const p = { ...prom, serviceMonitorNamespaceSelector: { matchLabels: { monitored: "yes" } } };
        expect(judgeServiceMonitor(facts({ prometheuses: [p] })).status).to.equal("broken");
        expect(judgeServiceMonitor(facts({ prometheuses: [p], namespaceLabels: { monitored: "yes" } })).status).to.equal("ok");
    });
    it("a null serviceMonitorSelector selects nothing, an empty one everything", () => {
        expect(judgeServiceMonitor(facts({ prometheuses: [{ ...prom, serviceMonitorSelector: null }] })).detail).to.contain("selects nothing");
        expect(judgeServiceMonitor(facts({ prometheuses: [{ ...prom, serviceMonitorSelector: {} }] })).status).to.equal("ok");
    });
    it("is broken when no ServiceMonitor selects the Service", () => {
        const v = judgeServiceMonitor(facts({ serviceLabels: { app: "other" } }));
        expect(v.status).to.equal("broken");
        expect(v.detail).to.contain("no ServiceMonitor in vllm-dev selects Service vllm-server");
    });
    it("is broken when there is no Prometheus or no CRD", () => {
        expect(judgeServiceMonitor(facts({ prometheuses: [] })).detail).to.contain("no Prometheus object");
        expect(judgeServiceMonitor(facts({ prometheuses: undefined, prometheusesError: "CRD missing" })).detail).to.contain("CRD missing");
    });
    it("is broken when selected but without targets, or with a target down", () => {
        expect(judgeServiceMonitor(facts({ targets: [] })).detail).to.contain("has no target");
        const down = judgeServiceMonitor(facts({ targets: [{ scrapePool: `serviceMonitor/${NS}/vllm-server/0`, scrapeUrl: "u", health: "down", lastError: "connection refused" }] }));
        expect(down.status).to.equal("broken");
        expect(down.detail).to.contain("u: connection refused");
    });
    it("matches a ServiceMonitor's namespaceSelector as the Operator does", () => {
        const m = { ...monitor, selector: {} };
        expect(monitorSelectsService(m, NS, NS, {})).to.equal(true);
        expect(monitorSelectsService(m, "monitoring", NS, {})).to.equal(false);
        expect(monitorSelectsService({ ...m, namespaceSelector: { matchNames: [NS] } }, "monitoring", NS, {})).to.equal(true);
        expect(monitorSelectsService({ ...m, namespaceSelector: { any: true } }, "monitoring", NS, {})).to.equal(true);
    });
});

describe("doctor links: the series", () => {
    it("is ok with namespace and pod labels", () => {
        const v = judgeSeries({ namespace: NS, inNamespace: [{ namespace: NS, pod: "a" }, { namespace: NS, pod: "b" }] });
        expect(v.status).to.equal("ok");
        expect(v.detail).to.contain("pods a, b");
    });
    it("is broken without series, or without the pod label, or without the namespace label", () => {
        expect(judgeSeries({ namespace: NS, inNamespace: [], withoutNamespace: [] }).detail).to.contain(`no vllm:num_requests_waiting{namespace="${NS}"}`);
        expect(judgeSeries({ namespace: NS, inNamespace: [{ namespace: NS }] }).detail).to.contain("no pod label");
        expect(judgeSeries({ namespace: NS, inNamespace: [], withoutNamespace: [{ job: "x" }] }).detail).to.contain("no namespace label");
    });
    it("cannot judge without Prometheus", () => {
        expect(judgeSeries({ namespace: NS, error: "refused" }).status).to.equal("not checked");
    });
});

describe("doctor links: APIService and what the adapter lists", () => {
    it("APIService: missing, unavailable, available", () => {
        expect(judgeApiService({ found: false }).fix).to.contain("prometheus-adapter");
        const v = judgeApiService({ found: true, service: { namespace: "monitoring", name: "prometheus-adapter" }, available: { status: "False", reason: "MissingEndpoints" } });
        expect(v.status).to.equal("broken");
        expect(v.detail).to.contain("Available=False (MissingEndpoints)");
        expect(judgeApiService({ found: true, available: { status: "True" } }).status).to.equal("ok");
    });
    it("APIService answering 404 (prometheus-adapter with no rule at all): the fix gives it the stack's rules", () => {
        const message = "failing or missing response from https://10.250.0.10:35789/apis/custom.metrics.k8s.io/v1beta1: bad status from https://10.250.0.10:35789/apis/custom.metrics.k8s.io/v1beta1: 404";
        const v = judgeApiService({ found: true, service: { namespace: "monitoring", name: "prometheus-adapter" }, available: { status: "False", reason: "FailedDiscoveryCheck", message } });
        expect(v.status).to.equal("broken");
        expect(v.fix).to.contain("serves it only with at least one rule; give it the stack's adapterRules output");
    });
    it("adapter without the rule: lists nothing, fix names the adapterRules output", () => {
        const v = judgeAdapterLists({ namespace: NS, resources: [], values: [], timingBroken: false });
        expect(v.status).to.equal("broken");
        expect(v.detail).to.contain("lists no resources at all");
        expect(v.fix).to.contain("adapterRules");
    });
    it("points at the relist window when the timing link is broken", () => {
        const v = judgeAdapterLists({ namespace: NS, resources: [], timingBroken: true });
        expect(v.fix).to.contain("relist window is shorter than the scrape interval");
    });
    it("is broken when listed without values for the namespace's pods, ok with them", () => {
        expect(judgeAdapterLists({ namespace: NS, resources: ["pods/vllm:num_requests_waiting"], values: [], timingBroken: false }).status).to.equal("broken");
        const ok = judgeAdapterLists({ namespace: NS, resources: ["pods/vllm:num_requests_waiting"], values: [{ pod: "a", value: "0" }], timingBroken: false });
        expect(ok.status).to.equal("ok");
        expect(ok.detail).to.contain("a=0");
    });
});

describe("doctor links: adapter relist vs scrape", () => {
    it("reads both flag spellings, and the adapter's defaults when unset", () => {
        expect(timingFromArgs(["/adapter", "--metrics-relist-interval=15s", "--metrics-max-age", "30s", "-v=6"])).to.deep.equal({ metricsRelistInterval: "15s", metricsMaxAge: "30s" });
        expect(timingFromArgs(["--metrics-relist-interval=1m"])).to.deep.equal({ metricsRelistInterval: "1m", metricsMaxAge: "1m" });
        expect(timingFromArgs(["--metrics-max-age=0s"])).to.deep.equal({ metricsRelistInterval: "10m", metricsMaxAge: "10m" });
    });
    const base = { source: "the local environment's adapter", scrapeInterval: "15s", scrapeSource: "ServiceMonitor x" };
    it("is broken with a 5 s relist under 15 s scrapes, and the fix gives the stack's flags", () => {
        const v = judgeAdapterTiming({ ...base, args: ["--metrics-relist-interval=5s", "--metrics-max-age=5s"], recommended: { metricsRelistInterval: "15s", metricsMaxAge: "30s" } });
        expect(v.status).to.equal("broken");
        expect(v.detail).to.contain("relist 5s, max-age 5s");
        expect(v.fix).to.contain("--metrics-relist-interval=15s --metrics-max-age=30s (the stack's adapterSettings)");
    });
    it("is ok when both windows cover the scrape; derives the advice without a stack", () => {
        expect(judgeAdapterTiming({ ...base, args: ["--metrics-relist-interval=15s", "--metrics-max-age=30s"] }).status).to.equal("ok");
        expect(judgeAdapterTiming({ ...base, args: ["--metrics-relist-interval=15s", "--metrics-max-age=10s"] }).fix).to.contain("--metrics-max-age=30s");
    });
    it("says not checked, and why, when the flags cannot be read", () => {
        const v = judgeAdapterTiming({ ...base, unreadable: "cannot read deployments (HTTP 403)" });
        expect(v.status).to.equal("not checked");
        expect(v.detail).to.contain("HTTP 403");
    });
});

describe("doctor links: HPA", () => {
    const base = { namespace: NS, name: "vllm-server", found: true, customMetricNames: ["vllm:num_requests_waiting"], served: ["vllm:num_requests_waiting"] };
    it("is ok with ScalingActive=True and a value", () => {
        const v = judgeHpa({ ...base, scalingActive: { status: "True" }, currentValue: "0", target: "5", currentReplicas: 1 });
        expect(v.status).to.equal("ok");
        expect(v.detail).to.contain("vllm:num_requests_waiting = 0 per pod (target 5), 1 replicas");
    });
    it("names a metric the adapter does not serve, before any condition", () => {
        const v = judgeHpa({ ...base, customMetricNames: ["vllm:num_requests_queued"], scalingActive: { status: "True" }, currentValue: "0" });
        expect(v.status).to.equal("broken");
        expect(v.detail).to.contain('asks for "vllm:num_requests_queued", which the adapter does not serve');
    });
    it("is broken with ScalingActive=False, quoting its reason", () => {
        const v = judgeHpa({ ...base, scalingActive: { status: "False", reason: "FailedGetPodsMetric", message: "unable to get metric" } });
        expect(v.detail).to.contain("ScalingActive=False (FailedGetPodsMetric: unable to get metric)");
    });
    it("missing HPA is broken; a stack without autoscaling is not checked", () => {
        expect(judgeHpa({ ...base, found: false }).status).to.equal("broken");
        expect(judgeHpa({ ...base, name: undefined }).status).to.equal("not checked");
    });
});

describe("doctor links: PrometheusRule loaded", () => {
    const prom: PrometheusFact = { namespace: "monitoring", name: "local", ruleSelector: { matchLabels: { release: "kube-prom" } }, ruleNamespaceSelector: {} };
    const rule = { name: "vllm-server-slo", labels: { release: "kube-prom" }, groups: ["vllm-slo.sli", "vllm-slo.alerts"] };
    const file = (n: string) => `/etc/prometheus/rules/prometheus-local-rulefiles-0/${NS}-vllm-server-slo-${n}.yaml`;
    it("is ok when every group is loaded and healthy", () => {
        const loaded = rule.groups.map((g) => ({ name: g, file: file("uid"), unhealthy: [] }));
        expect(judgePrometheusRule({ namespace: NS, namespaceLabels: {}, rules: [rule], prometheuses: [prom], loaded }).status).to.equal("ok");
    });
    it("is broken when no Prometheus selects it, naming its ruleSelector", () => {
        const v = judgePrometheusRule({ namespace: NS, namespaceLabels: {}, rules: [{ ...rule, labels: {} }], prometheuses: [prom], loaded: [] });
        expect(v.status).to.equal("broken");
        expect(v.detail).to.contain("selected by no Prometheus (monitoring/local selects release=kube-prom)");
    });
    it("is broken when selected but not loaded, or a rule fails", () => {
        expect(judgePrometheusRule({ namespace: NS, namespaceLabels: {}, rules: [rule], prometheuses: [prom], loaded: [] }).detail).to.contain("2/2 groups");
        const loaded = rule.groups.map((g) => ({ name: g, file: file("uid"), unhealthy: g.endsWith("sli") ? ["r: bad"] : [] }));
        expect(judgePrometheusRule({ namespace: NS, namespaceLabels: {}, rules: [rule], prometheuses: [prom], loaded }).detail).to.contain("failing rules: r: bad");
    });
    it("is not checked without a PrometheusRule (prometheusRuleEnabled=false)", () => {
        expect(judgePrometheusRule({ namespace: NS, namespaceLabels: {}, rules: [] }).status).to.equal("not checked");
    });
});
