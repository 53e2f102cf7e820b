/**
 * The registration objects for kube-state-metrics, without a cluster: bad input is refused with a
 * message naming kube-state-metrics and what to fix, and the ServiceMonitor keeps KSM's labels
 * (honorLabels) on the object-metrics endpoint. The objects themselves are checked against the
 * real API server and Prometheus in ./kubeStateMetrics.test.ts.
 */
import { expect } from "chai";
import {
    KsmRegistration,
    ksmEndpointSlice,
    ksmRefs,
    ksmService,
    ksmServiceMonitor,
    validateKsmRegistration,
} from "../../env/monitoring/kubeStateMetricsObjects";

const good: KsmRegistration = {
    namespace: "monitoring",
    serviceName: "kube-state-metrics",
    address: "10.250.0.20",
    ports: { metrics: 40001, telemetry: 40002 },
    selectorLabels: { release: "kube-prom" },
};

describe("kube-state-metrics registration objects", () => {
    it("accepts the environment's defaults", () => {
        expect(() => validateKsmRegistration(good)).to.not.throw();
        expect(() => validateKsmRegistration({ ...good, scrapeInterval: "1m30s" })).to.not.throw();
    });

    const bad: [string, Partial<KsmRegistration>, RegExp][] = [
        ["loopback address", { address: "127.0.0.1" }, /loopback/],
        ["a host name", { address: "ksm.local" }, /IPv4/],
        ["link-local address", { address: "169.254.1.1" }, /link-local/],
        ["upper-case namespace", { namespace: "Monitoring" }, /namespace is not a DNS-1123 label/],
        ["empty selector", { selectorLabels: {} }, /selectorLabels is empty/],
        ["bad label key", { selectorLabels: { "-release": "x" } }, /invalid label key/],
        ["bad label value", { selectorLabels: { release: "kube prom" } }, /invalid value for release/],
        ["our own label", { selectorLabels: { "app.kubernetes.io/name": "x" } }, /set by the environment/],
        ["zero interval", { scrapeInterval: "0s" }, /scrapeInterval/],
        ["interval without unit", { scrapeInterval: "5" }, /scrapeInterval/],
    ];
    for (const [what, change, message] of bad) {
        it(`refuses ${what}`, () => {
            expect(() => validateKsmRegistration({ ...good, ...change }))
                .to.throw(Error, message)
                .with.property("message")
                .that.matches(/^kube-state-metrics /);
        });
    }

    it("Service and EndpointSlice agree on port names; the slice carries the real ports and address", () => {
        const svc = ksmService(good) as unknown as { spec: { selector?: object; ports: { name: string }[] } };
        const slice = ksmEndpointSlice(good) as unknown as { ports: { name: string; port: number }[]; endpoints: { addresses: string[] }[] };
        expect(svc.spec.selector).to.equal(undefined);
        expect(slice.ports.map((p) => p.name)).to.deep.equal(svc.spec.ports.map((p) => p.name));
        expect(slice.ports.map((p) => p.port)).to.deep.equal([40001, 40002]);
        expect(slice.endpoints).to.deep.equal([{ addresses: ["10.250.0.20"], conditions: { ready: true } }]);
    });

    it("ServiceMonitor: the selected label, honorLabels on the object metrics, its selector matching the Service", () => {
        const sm = ksmServiceMonitor({ ...good, scrapeInterval: "5s" }) as unknown as {
            metadata: { labels: Record<string, string> };
            spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; honorLabels?: boolean; interval?: string }[] };
        };
        expect(sm.metadata.labels).to.include({ release: "kube-prom" });
        expect(sm.spec.endpoints).to.deep.equal([
            { port: "http-metrics", honorLabels: true, interval: "5s" },
            { port: "telemetry", interval: "5s" },
        ]);
        expect(ksmService(good).metadata.labels).to.include(sm.spec.selector.matchLabels);
    });

    it("deletes the ServiceMonitor before the Service's endpoints", () => {
        expect(ksmRefs(good).map((r) => r.kind)).to.deep.equal(["ServiceMonitor", "EndpointSlice", "Service"]);
    });
});
