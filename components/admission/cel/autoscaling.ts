/**
 * hpa-no-gpu-utilization in CEL (policy/policies/hpaNoGpuUtilization.ts, metrics.ts hpaMetrics /
 * scaledObjectMetrics / gpuUtilizationIn): every metric name and selector value an HPA
 * (autoscaling/v2; other versions arrive converted) or a KEDA ScaledObject's trigger names.
 */
import { GPU_RESOURCES, GPU_UTILIZATION_PATTERN_SOURCES, HPA_SCALE_INSTEAD, KEDA_SCALE_INSTEAD, METRIC_IDENTIFIER_CHARS } from "@vllm-pulumi/kube-parser";
import { CelVariable, str, strList } from "./lang";

/** One RE2 pattern for every GPU-utilization name, with the identifier around it (what the message quotes). */
export const GPU_UTILIZATION_RE2 = `(?i)${METRIC_IDENTIFIER_CHARS}*(?:${GPU_UTILIZATION_PATTERN_SOURCES.join("|")})${METRIC_IDENTIFIER_CHARS}*`;

/** HPA metric source types and their field (autoscaling/v2). */
const HPA_SOURCES: Array<[source: string, key: string]> = [
    ["Resource", "resource"],
    ["ContainerResource", "containerResource"],
    ["Pods", "pods"],
    ["Object", "object"],
    ["External", "external"],
];

/** `[path, text]` pairs of a metric source `s` at `base`: its names, then its metric selector's values. */
function sourceTexts(s: string, base: string): string {
    const sel = `${s}.?metric.?selector.orValue({})`;
    const path = `${base} + '.metric.selector'`;
    return (
        `(has(${s}.name) ? [[${base} + '.name', string(${s}.name)]] : []) + ` +
        `(${s}.?metric.?name.hasValue() ? [[${base} + '.metric.name', string(${s}.metric.name)]] : []) + ` +
        `${sel}.?matchLabels.orValue({}).transformList(k, v, [${path} + '.matchLabels.' + k, string(v)]) + ` +
        `${sel}.?matchExpressions.orValue([]).transformList(j, e, e.?values.orValue([]).map(v, [${path} + '.matchExpressions[' + string(j) + '].values', string(v)])).flatten()`
    );
}

const HPA_TEXTS =
    "object.?spec.?metrics.orValue([]).transformList(i, m, " +
    HPA_SOURCES.map(([source, key]) => `(has(m.${key}) ? (${sourceTexts(`m.${key}`, `'spec.metrics[' + string(i) + '].${key}'`)}).map(t, t + [${str(source)}]) : [])`).join(" + ") +
    ").flatten()";

const KEDA_QUERY_KEYS = ["query", "metricName", "metricQuery", "metricFilter", "filter", "nrql"];
const KEDA_TEXTS =
    "object.?spec.?triggers.orValue([]).transformList(i, t, " +
    `${strList(KEDA_QUERY_KEYS)}.filter(k, k in t.?metadata.orValue({})).map(k, ['spec.triggers[' + string(i) + '].metadata.' + k, string(t.metadata[k]), string(t.?type.orValue('unknown')) + ' trigger'])` +
    ").flatten()";

/** The GPU-utilization name a text is or names, '' when none (gpuUtilizationIn). */
const FOUND = `string(t[1]).trim() in ${strList(GPU_RESOURCES)} ? string(t[1]).trim() : string(t[1]).find(${str(GPU_UTILIZATION_RE2)})`;

export function autoscalingVariables(): CelVariable[] {
    return [
        { name: "metricTexts", expression: `object.kind == 'ScaledObject' ? ${KEDA_TEXTS} : ${HPA_TEXTS}` },
        { name: "scaleInstead", expression: `object.kind == 'ScaledObject' ? ${str(KEDA_SCALE_INSTEAD)} : ${str(HPA_SCALE_INSTEAD)}` },
        {
            name: "gpuMetricProblems",
            expression:
                `variables.metricTexts.map(t, [string(t[0]), string(t[2]), string(${FOUND})]).filter(f, f[2] != '')` +
                `.map(f, f[0] + ' (' + f[1] + ') scales on GPU utilization "' + f[2] + '". ' + variables.scaleInstead)`,
        },
    ];
}
