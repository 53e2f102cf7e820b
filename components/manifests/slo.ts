import { VllmModel } from "../model";
import { buildPrometheusRuleSpec, SloTarget } from "../slo";
import { metadata } from "./metadata";

/**
 * What the SLO builders need to know about the objects this component creates. Deliberately not
 * maxReplicas: the capacity alert reads it from kube-state-metrics, so resizing the HPA changes
 * the HPA alone, not the rules and dashboard.
 */
export function sloTarget(m: VllmModel): SloTarget {
    return {
        namespace: m.namespace,
        serviceName: m.name,
        deploymentName: m.name,
        hpaName: m.autoscaling ? m.name : undefined,
        servedModelName: m.servedModelName,
        queueTarget: m.autoscaling?.queueTarget ?? 0,
    };
}

/**
 * The PrometheusRule with the SLIs, burn-rate and capacity alerts. It carries the same labels
 * as the ServiceMonitor: kube-prometheus selects rules and monitors by the same release label.
 */
export function prometheusRuleManifest(m: VllmModel) {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: metadata(m, `${m.name}-slo`, m.serviceMonitor?.labels ?? {}),
        spec: buildPrometheusRuleSpec(m.slo, sloTarget(m)),
    };
}
