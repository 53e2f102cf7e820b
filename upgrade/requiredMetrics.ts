/**
 * The metric names a canary must export: every series the stack's adapter rule and PrometheusRule
 * (recording rules and alerts) read, derived from the rendered objects as deployed (the
 * PrometheusRule from the API server, the adapter rules from the stack's output) by the SLO
 * package's own reader, keeping those a vLLM server exports (not kube-state-metrics' or the rules'
 * own recorded series).
 */
import { CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { vllmServedNames } from "@vllm-pulumi/kube-parser";
import { parse } from "yaml";
import { AdapterConfig, metricNamesReadBy, PrometheusRuleSpec } from "../components/slo";

export interface RequiredMetrics {
    /** Names the canary's /metrics must have (sample names, e.g. `..._bucket`). */
    names: string[];
    /** Where they were read from, for the report. */
    sources: string[];
}

/** The stack's PrometheusRule spec as deployed, or undefined when the stack has none (prometheusRuleEnabled false). */
async function liveRuleSpec(kubeconfig: string, namespace: string, name: string): Promise<PrometheusRuleSpec | undefined> {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const api = kc.makeApiClient(CustomObjectsApi);
    try {
        const obj = (await api.getNamespacedCustomObject({ group: "monitoring.coreos.com", version: "v1", namespace, plural: "prometheusrules", name: `${name}-slo` })) as { spec: PrometheusRuleSpec };
        return obj.spec;
    } catch (e) {
        if ((e as { code?: number }).code === 404) return undefined;
        throw e;
    }
}

export async function requiredMetrics(o: { kubeconfig: string; namespace: string; name: string; adapterRulesYaml: string }): Promise<RequiredMetrics> {
    const rules = await liveRuleSpec(o.kubeconfig, o.namespace, o.name);
    const adapter = parse(o.adapterRulesYaml) as AdapterConfig;
    const read = metricNamesReadBy({ rules, adapter });
    return {
        names: vllmServedNames(read),
        sources: [...(rules ? [`PrometheusRule ${o.namespace}/${o.name}-slo`] : []), "the stack's adapterRules"],
    };
}
