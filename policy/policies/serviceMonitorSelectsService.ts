import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { formatSelector, kubeObject, KubeObject, matchesSelector } from "@vllm-pulumi/kube-parser";

interface Found {
    resource: PolicyResource;
    obj: KubeObject;
}

const namespaceOf = (f: Found): string => f.obj.body?.metadata?.namespace ?? "default";
const nameOf = (f: Found): string => f.obj.body?.metadata?.name ?? f.resource.name;
const labelsOf = (f: Found): Record<string, string> => f.obj.body?.metadata?.labels ?? {};

/** `vllm-server {app=vllm}`: a Service and its labels, for messages. */
function describeService(s: Found): string {
    const labels = Object.entries(labelsOf(s)).map(([k, v]) => `${k}=${v}`).join(",");
    return `${nameOf(s)} {${labels}}`;
}

/** True when the ServiceMonitor's namespaceSelector takes in Services of `ns`. */
function watchesNamespace(sm: Found, ns: string): boolean {
    const sel = sm.obj.body?.spec?.namespaceSelector;
    if (sel?.any === true) return true;
    if (Array.isArray(sel?.matchNames) && sel.matchNames.length > 0) return sel.matchNames.includes(ns);
    return ns === namespaceOf(sm);
}

/**
 * A ServiceMonitor that selects nothing fails silently: Prometheus scrapes no vLLM pod, the
 * adapter has no vllm:num_requests_waiting, and the HPA never scales ("HPA never scales").
 */
export const serviceMonitorSelectsService: StackValidationPolicy = {
    name: "servicemonitor-selects-service",
    description: "Each ServiceMonitor's selector must match a Service in the stack, and its endpoint port must be a named port of that Service.",
    enforcementLevel: "advisory",
    remediationSteps:
        "Make the ServiceMonitor's spec.selector.matchLabels equal labels of the vLLM Service (and its namespace, or set namespaceSelector), " +
        "and name the Service port (e.g. http) that spec.endpoints[].port refers to.",
    validateStack: (args, reportViolation) => {
        const objects: Found[] = [];
        for (const resource of args.resources) {
            const obj = kubeObject(resource.type, resource.props);
            if (obj) objects.push({ resource, obj });
        }
        const services = objects.filter(f => f.obj.group === "" && f.obj.kind === "Service");
        const monitors = objects.filter(f => f.obj.group === "monitoring.coreos.com" && f.obj.kind === "ServiceMonitor");
        for (const sm of monitors) {
            const spec = sm.obj.body?.spec ?? {};
            const inScope = services.filter(s => watchesNamespace(sm, namespaceOf(s)));
            const matched = inScope.filter(s => matchesSelector(spec.selector, labelsOf(s)));
            if (matched.length === 0) {
                const seen = inScope.length ? `Services there: ${inScope.slice(0, 3).map(describeService).join("; ")}` : "no Service in its namespace(s)";
                reportViolation(
                    `selector ${formatSelector(spec.selector)} matches no Service in the stack (${seen}). ` +
                        "Prometheus will never scrape vLLM, so vllm:num_requests_waiting never reaches the HPA. Make spec.selector match the vLLM Service's labels.",
                    sm.resource.urn,
                );
                continue;
            }
            const endpoints: any[] = Array.isArray(spec.endpoints) ? spec.endpoints : [];
            endpoints.forEach((e, i) => {
                if (typeof e?.port !== "string") return; // targetPort refers to the pod, not the Service
                const named = matched.some(s => (Array.isArray(s.obj.body?.spec?.ports) ? s.obj.body.spec.ports : []).some((p: any) => p?.name === e.port));
                if (!named) {
                    reportViolation(
                        `spec.endpoints[${i}].port "${e.port}" is not a named port of ${matched.map(nameOf).join(", ")}. ` +
                            `Name the Service port "${e.port}" (the recipe uses http on 8000) or fix the endpoint.`,
                        sm.resource.urn,
                    );
                }
            });
        }
    },
};
