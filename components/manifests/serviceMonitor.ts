import { VllmModel } from "../model";
import { metadata } from "./metadata";

/** The Prometheus Operator ServiceMonitor scraping `/metrics` on the Service's `http` port. */
export function serviceMonitorManifest(m: VllmModel, monitor: NonNullable<VllmModel["serviceMonitor"]>) {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: metadata(m, m.name, monitor.labels),
        spec: {
            selector: { matchLabels: m.selector },
            namespaceSelector: { matchNames: [m.namespace] },
            endpoints: [{ port: "http", path: "/metrics", interval: monitor.interval }],
        },
    };
}
