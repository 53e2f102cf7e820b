/**
 * The capacity alerts: the queue above the HPA target with the HPA at maxReplicas, the HPA unable
 * to read its metric (both only with autoscaling on), and no vLLM metrics at all.
 */
import { ALERT_NAMES, alertLabels, runbookUrl, serviceRef } from "./alertCatalogue";
import { selector } from "./promql";
import { RECORDS } from "./records";
import { AlertingRule } from "./ruleTypes";
import type { ResolvedSlo } from "./settings";
import { SloTarget, targetSelectors } from "./target";
import { KSM, VLLM } from "./vllmMetrics";

const WAITING = VLLM.numRequestsWaiting.name;

/** The capacity alerts, HPA alerts first (left out when autoscaling is off). */
export function capacityAlerts(slo: ResolvedSlo, target: SloTarget): AlertingRule[] {
    const hpa = target.hpaName ? [queueAtMaxReplicas(slo, target), hpaMetricUnavailable(slo, target)] : [];
    return [...hpa, metricsAbsent(slo, target)];
}

function queueAtMaxReplicas(slo: ResolvedSlo, target: SloTarget): AlertingRule {
    const sel = targetSelectors(target);
    const hpa = selector(sel.hpa);
    return {
        alert: ALERT_NAMES.queueAtMax,
        expr:
            `${RECORDS.waitingPerPod}${selector(sel.model)} > ${target.queueTarget}\n` +
            `and on (namespace)\n` +
            `(\n  ${KSM.hpaCurrentReplicas}${hpa}\n  >=\n  ${KSM.hpaMaxReplicas}${hpa}\n)`,
        for: `${slo.queueAtMaxAlertMinutes}m`,
        labels: alertLabels(slo, { severity: "warning" }),
        annotations: {
            summary: `vLLM ${serviceRef(target)}: queue above the HPA target while the HPA is at maxReplicas`,
            description:
                `{{ $value | printf "%.1f" }} requests wait per replica (HPA target ${target.queueTarget}) and HPA ` +
                `${target.hpaName} has been at its maxReplicas for ${slo.queueAtMaxAlertMinutes} minutes. ` +
                `Autoscaling cannot create capacity that is not there: add GPUs/nodes and raise maxReplicas, ` +
                `or shed load with admission control.`,
            runbook_url: runbookUrl(slo, ALERT_NAMES.queueAtMax),
        },
    };
}

function hpaMetricUnavailable(slo: ResolvedSlo, target: SloTarget): AlertingRule {
    const sel = targetSelectors(target);
    return {
        alert: ALERT_NAMES.hpaMetricUnavailable,
        expr: `max by (namespace, horizontalpodautoscaler) (${KSM.hpaCondition}${selector(sel.hpa, ['condition="ScalingActive"', 'status="false"'])}) == 1`,
        for: "10m",
        labels: alertLabels(slo, { severity: "warning", service: target.serviceName }),
        annotations: {
            summary: `vLLM ${serviceRef(target)}: HPA ${target.hpaName} cannot read ${WAITING} and does not scale`,
            description:
                `HPA ${target.hpaName} has reported ScalingActive=false for 10 minutes: it cannot get ${WAITING} ` +
                `from the custom metrics API, so replicas stay where they are whatever the queue. Check that ` +
                `prometheus-adapter has the rule for ${WAITING} ` +
                `(kubectl get --raw "/apis/custom.metrics.k8s.io/v1beta1/namespaces/${target.namespace}/pods/*/${WAITING}") ` +
                `and that Prometheus scrapes the pods (kubectl -n ${target.namespace} describe hpa ${target.hpaName}).`,
            runbook_url: runbookUrl(slo, ALERT_NAMES.hpaMetricUnavailable),
        },
    };
}

function metricsAbsent(slo: ResolvedSlo, target: SloTarget): AlertingRule {
    return {
        alert: ALERT_NAMES.metricsAbsent,
        expr: `absent(${WAITING}${selector(targetSelectors(target).service)})`,
        for: `${slo.metricsAbsentAlertMinutes}m`,
        labels: alertLabels(slo, { severity: "warning" }),
        annotations: {
            summary: `vLLM ${serviceRef(target)}: no vLLM metrics in Prometheus`,
            description:
                `Prometheus has had no ${WAITING} series from service ${target.serviceName} in ${target.namespace} for ` +
                `${slo.metricsAbsentAlertMinutes} minutes. The SLO alerts and the HPA are blind. Check that the ServiceMonitor's labels match your ` +
                `Prometheus' serviceMonitorSelector, that the pods are Ready and serve /metrics on port http.`,
            runbook_url: runbookUrl(slo, ALERT_NAMES.metricsAbsent),
        },
    };
}
