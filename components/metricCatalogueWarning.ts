/**
 * The preview-time warning of an upgrade that would blind the rules: when the vLLM version an image
 * names (from its tag) is one whose metric catalogue lacks a name the stack's PrometheusRule or
 * adapter rule reads, say which names and what goes blind. The catalogue is the project's one table
 * (`@vllm-pulumi/kube-parser` vllmCatalogue.ts, also what the simulator exports). Advisory: a
 * warning at `pulumi preview`/`up`; `npm run upgrade` refuses such a canary at its metric gate.
 */
import { catalogueForVersion, namesMissingFrom, VLLM_METRIC_CATALOGUES, vllmServedNames, vllmVersionFromImage } from "@vllm-pulumi/kube-parser";
import { VllmModel } from "./model";
import { buildAdapterConfig, buildPrometheusRuleSpec, metricNamesReadBy } from "./slo";
import { sloTarget } from "./manifests/slo";

/** Names the stack's rules read that a vLLM server exports (the adapter rule always; the PrometheusRule when enabled). */
export function vllmNamesReadByStack(m: VllmModel): string[] {
    const rules = m.slo.prometheusRuleEnabled ? buildPrometheusRuleSpec(m.slo, sloTarget(m)) : undefined;
    return vllmServedNames(metricNamesReadBy({ rules, adapter: buildAdapterConfig() }));
}

/** One warning per image (stable and canary) whose version lacks a name the rules read, or whose version is unknown. */
export function metricCatalogueWarnings(m: VllmModel, read: string[] = vllmNamesReadByStack(m)): string[] {
    const images: [string, string][] = [["image", m.image], ...(m.canary ? [["canaryImage", m.canary.image] as [string, string]] : [])];
    const warnings: string[] = [];
    for (const [key, image] of images) {
        const version = vllmVersionFromImage(image);
        if (!version) continue;
        const catalogue = catalogueForVersion(version);
        if (!catalogue) {
            const known = VLLM_METRIC_CATALOGUES.map((c) => `${c.line}.x`).join(", ");
            warnings.push(`${key}: ${image} is vLLM ${version.text}, whose metric names this project does not know (known: ${known}); check its /metrics has ${read.join(", ")} before rolling it out (npm run upgrade checks them)`);
            continue;
        }
        const missing = namesMissingFrom(catalogue, read);
        if (missing.length > 0) {
            warnings.push(
                `${key}: ${image} is vLLM ${version.text}, which does not export ${missing.join(", ")}; the stack's SLO rules and adapter rule read ` +
                    `${missing.length === 1 ? "it" : "them"}, so ${missing.some((n) => n.startsWith("vllm:num_requests_waiting")) ? "the HPA and " : ""}those alerts would go blind after this rollout`,
            );
        }
    }
    return warnings;
}
