/**
 * What the monitoring modules ask the API server for, and their input checks: bad input fails
 * before anything is created. Plus the private /etc/prometheus mount, run for real (root).
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateRulesYaml } from "../../env/monitoring/adapter";
import { adapterEndpointSlice, apiServices, registrationObjects, registrationRefs } from "../../env/monitoring/adapterRegistration";
import { withEtcPrometheus } from "../../env/monitoring/etcMount";
import { prometheusControllerReady } from "../../env/monitoring/operator";
import { DEFAULT_MONITOR_SELECTOR, PrometheusObjectOptions, prometheusObject } from "../../env/monitoring/prometheusObject";
import { renderAdapterConfigYaml } from "../../components/slo/adapterRule";

const pki = { caCrt: "/s/pki/ca.crt", caKey: "/s/pki/ca.key", adminCrt: "/s/pki/admin.crt", adminKey: "/s/pki/admin.key" };
const promOpts: PrometheusObjectOptions = {
    namespace: "monitoring",
    name: "local",
    selector: DEFAULT_MONITOR_SELECTOR,
    apiserver: { server: "https://127.0.0.1:6443", pki },
    scrapeInterval: "5s",
    evaluationInterval: "5s",
};
const reg = { namespace: "monitoring", serviceName: "prometheus-adapter", address: "10.250.0.10", port: 40443, caPem: "-----BEGIN CERTIFICATE-----\nX\n" };

describe("env/monitoring objects and input checks", () => {
    it("Prometheus object: selects ServiceMonitors and rules by the component's label in all namespaces, v3.13.1, EndpointSlice discovery", () => {
        const spec = prometheusObject(promOpts).spec as Record<string, unknown>;
        expect(spec.serviceMonitorSelector).to.deep.equal({ matchLabels: { release: "kube-prom" } });
        expect(spec.ruleSelector).to.deep.equal({ matchLabels: { release: "kube-prom" } });
        expect(spec.serviceMonitorNamespaceSelector).to.deep.equal({});
        expect(spec.ruleNamespaceSelector).to.deep.equal({});
        expect(spec).to.include({ version: "v3.13.1", serviceDiscoveryRole: "EndpointSlice", replicas: 0 });
        expect(spec.apiserverConfig).to.deep.equal({
            host: "https://127.0.0.1:6443",
            tlsConfig: { caFile: pki.caCrt, certFile: pki.adminCrt, keyFile: pki.adminKey },
        });
    });

    it("Prometheus object: rejects bad names, durations, an empty selector and a non-https API server", () => {
        expect(() => prometheusObject({ ...promOpts, name: "Local" })).to.throw(/DNS-1123/);
        expect(() => prometheusObject({ ...promOpts, scrapeInterval: "5" })).to.throw(/scrapeInterval/);
        expect(() => prometheusObject({ ...promOpts, evaluationInterval: "0" })).to.throw(/evaluationInterval/);
        expect(() => prometheusObject({ ...promOpts, selector: {} })).to.throw(/every ServiceMonitor/);
        expect(() => prometheusObject({ ...promOpts, apiserver: { server: "http://127.0.0.1:1", pki } })).to.throw(/https/);
    });

    it("adapter registration: selector-less Service, our own EndpointSlice on the adapter's address, two APIServices with the CA", () => {
        const [ns, svc, slice, ...apis] = registrationObjects(reg);
        expect(ns).to.include({ kind: "Namespace" });
        expect(svc.spec).to.not.have.property("selector");
        expect((svc.spec as { ports: unknown[] }).ports).to.deep.equal([{ name: "https", port: 443, targetPort: 40443, protocol: "TCP" }]);
        expect(slice.metadata.labels).to.include({ "kubernetes.io/service-name": "prometheus-adapter" });
        expect(slice.metadata.labels!["endpointslice.kubernetes.io/managed-by"]).to.not.equal("endpointslice-controller.k8s.io");
        expect(slice.endpoints).to.deep.equal([{ addresses: ["10.250.0.10"], conditions: { ready: true } }]);
        expect(apis.map((a) => a.metadata.name)).to.deep.equal(["v1beta1.custom.metrics.k8s.io", "v1beta2.custom.metrics.k8s.io"]);
        for (const a of apis) {
            const spec = a.spec as Record<string, unknown>;
            expect(Buffer.from(spec.caBundle as string, "base64").toString()).to.equal(reg.caPem);
            expect(spec).to.not.have.property("insecureSkipTLSVerify");
            expect(spec.service).to.deep.equal({ name: "prometheus-adapter", namespace: "monitoring", port: 443 });
        }
        expect(apiServices(reg).map((a) => a.metadata.name)).to.deep.equal(registrationRefs(reg).slice(0, 2).map((r) => r.metadata.name));
    });

    it("adapter address: loopback, link-local, unspecified and non-IPv4 are refused (EndpointSlice validation would reject them)", () => {
        for (const address of ["127.0.0.1", "169.254.1.1", "0.0.0.0", "::1", "localhost"]) {
            expect(() => adapterEndpointSlice({ ...reg, address }), address).to.throw(/adapter address/);
        }
    });

    it("adapter rules: the component's own adapterRules pass; not-YAML and unknown top-level keys fail clearly", () => {
        expect(() => validateRulesYaml(renderAdapterConfigYaml())).to.not.throw();
        expect(() => validateRulesYaml("rules: [")).to.throw(/not valid YAML/);
        expect(() => validateRulesYaml("- a\n")).to.throw(/mapping/);
        expect(() => validateRulesYaml("rulez: []\n")).to.throw(/unknown top-level keys rulez/);
    });

    it("operator readiness: only the Prometheus controller's ready gauge at 1 counts", () => {
        expect(prometheusControllerReady('prometheus_operator_ready{controller="prometheus"} 1\n')).to.equal(true);
        expect(prometheusControllerReady('prometheus_operator_ready{controller="prometheus"} 0\n')).to.equal(false);
        expect(prometheusControllerReady('prometheus_operator_ready{controller="alertmanager"} 1\n')).to.equal(false);
    });

    it("/etc/prometheus is our directory inside the private mount namespace only; the host's /etc is untouched", function () {
        if (process.getuid?.() !== 0) this.skip(); // unshare --mount needs root (CAP_SYS_ADMIN)
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mon-etc-"));
        try {
            fs.mkdirSync(path.join(dir, "etc", "rules", "r-0"), { recursive: true });
            fs.mkdirSync(path.join(dir, "mnt"));
            fs.writeFileSync(path.join(dir, "etc", "rules", "r-0", "a.yaml"), "groups: []\n");
            const hadEtcPrometheus = fs.existsSync("/etc/prometheus");
            const [cmd, args] = withEtcPrometheus(path.join(dir, "etc"), path.join(dir, "mnt"), "sh", [
                "-c",
                "cat /etc/prometheus/rules/r-0/a.yaml && test -r /etc/passwd && echo etc-still-visible",
            ]);
            const out = execFileSync(cmd, args, { encoding: "utf8" });
            expect(out).to.equal("groups: []\netc-still-visible\n");
            expect(fs.existsSync("/etc/prometheus")).to.equal(hadEtcPrometheus, "host /etc unchanged");
            expect(fs.readdirSync(path.join(dir, "mnt")), "the tmpfs was private to the command").to.deep.equal([]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
