/** Link 5: the `v1beta1.custom.metrics.k8s.io` APIService is registered and Available. */
import { Verdict } from "../types";

export const CUSTOM_METRICS_APISERVICE = "v1beta1.custom.metrics.k8s.io";

export interface ApiServiceFacts {
    found: boolean;
    /** The backing Service, when the APIService names one. */
    service?: { namespace: string; name: string };
    available?: { status: string; reason?: string; message?: string };
}

export function judgeApiService(f: ApiServiceFacts): Verdict {
    if (!f.found) {
        return {
            status: "broken",
            detail: `APIService ${CUSTOM_METRICS_APISERVICE} does not exist: no custom-metrics adapter is registered`,
            fix: "install prometheus-adapter (Helm chart prometheus-community/prometheus-adapter) with the stack's adapterRules and adapterSettings; it registers the APIService",
        };
    }
    const svc = f.service ? `Service ${f.service.namespace}/${f.service.name}` : "no Service (served locally)";
    if (f.available?.status !== "True") {
        const why = f.available ? `Available=${f.available.status} (${f.available.reason ?? ""}${f.available.message ? `: ${f.available.message}` : ""})` : "no Available condition yet";
        // prometheus-adapter without any custom-metrics rule does not serve the group at all: the discovery check gets a 404.
        const noRules = /FailedDiscoveryCheck/.test(f.available?.reason ?? "") && /\b404\b/.test(f.available?.message ?? "");
        return {
            status: "broken",
            detail: `APIService ${CUSTOM_METRICS_APISERVICE} is not available: ${why}`,
            fix: noRules
                ? "the adapter answers 404 for custom.metrics.k8s.io: prometheus-adapter serves it only with at least one rule; give it the stack's adapterRules output and restart it"
                : f.service
                ? `the adapter behind ${svc} does not answer: kubectl -n ${f.service.namespace} get pods,endpointslices and the adapter's logs`
                : "the adapter does not answer: check its process and logs",
        };
    }
    return { status: "ok", detail: `APIService ${CUSTOM_METRICS_APISERVICE} Available (${svc})` };
}
