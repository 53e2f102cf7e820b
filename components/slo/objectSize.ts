/**
 * Size limits of the objects the SLO settings generate, checked at preview time. A few user values
 * (`alertLabels` above all: every label is copied onto every alert) can make an object larger than
 * the cluster stores or prometheus-operator loads, which would otherwise fail at `pulumi up`, or
 * worse, later and silently in the operator.
 */
import { renderDashboardJson } from "./dashboard";
import { buildPrometheusRuleSpec } from "./prometheusRule";
import type { ResolvedSlo } from "./settings";
import { SloTarget } from "./target";

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * prometheus-operator renders each PrometheusRule as one YAML rule file and rejects the whole
 * PrometheusRule when that file is larger than `MaxConfigMapDataSize`, half of the API server's
 * 1 MiB ConfigMap limit (pkg/operator: "the length of rendered Prometheus Rule is ... above the
 * maximum limit"): every alert in it is gone.
 */
export const RULE_FILE_MAX_BYTES = 512 * KIB;
/** The API server refuses a ConfigMap whose data is larger than 1 MiB (core/v1 validation). */
export const CONFIGMAP_DATA_MAX_BYTES = 1 * MIB;
/**
 * The largest object the API server can store: etcd's default `--max-request-bytes` (1.5 MiB),
 * below the API server's own 3 MiB request body limit.
 */
export const OBJECT_MAX_BYTES = 1.5 * MIB;

/**
 * The longest names a valid VllmService can give the builders (63-character namespace and
 * Service, 128-character served model name): sizes measured with it bound every real one.
 */
export const LARGEST_TARGET: SloTarget = {
    namespace: "n".repeat(63),
    serviceName: "s".repeat(63),
    deploymentName: "s".repeat(63),
    hpaName: "s".repeat(63),
    servedModelName: "m".repeat(128),
    queueTarget: Number.MAX_VALUE,
};

/**
 * An upper bound of the bytes a label map takes in YAML or JSON: per entry, both sides quoted and
 * escaped as JSON, `: ` or `,`, a newline, the indentation of an alert's labels and slack for YAML quoting.
 */
function labelBytes(labels: Record<string, string>): number {
    let n = 0;
    for (const [k, v] of Object.entries(labels)) n += Buffer.byteLength(JSON.stringify(k)) + Buffer.byteLength(JSON.stringify(v)) + 12;
    return n;
}

/**
 * How much larger than its JSON the rule file's YAML can be (block scalars, indentation, folded
 * lines: about 17% for these rules; tests/slo/objectSize.test.ts holds it to the yaml package's
 * rendering). Rendering YAML here would cost ~30 ms per service at every preview.
 */
export const YAML_OVER_JSON = 1.25;

/**
 * Bytes of the PrometheusRule spec as the operator's YAML rule file, from above: its JSON without
 * `alertLabels` times {@link YAML_OVER_JSON}, plus the labels counted, not rendered (each is
 * copied onto every alert, and rendering 10^5 of them nine times is what must not happen).
 */
export function prometheusRuleBytes(slo: ResolvedSlo, target: SloTarget): { total: number; alertLabels: number; alerts: number } {
    const bare = buildPrometheusRuleSpec({ ...slo, alertLabels: {} }, target);
    const alerts = bare.groups.flatMap((g) => g.rules).filter((r) => "alert" in r).length;
    const alertLabels = alerts * labelBytes(slo.alertLabels);
    return { total: Math.ceil(Buffer.byteLength(JSON.stringify(bare)) * YAML_OVER_JSON) + alertLabels, alertLabels, alerts };
}

function kib(bytes: number): string {
    return bytes >= MIB ? `${Number((bytes / MIB).toFixed(2))} MiB` : `${Number((bytes / KIB).toFixed(1))} KiB`;
}

/**
 * One problem per generated object over its limit, naming the key whose value makes it large.
 * Checked with {@link LARGEST_TARGET} at validation time, so a pass holds for any service name.
 */
export function generatedSizeProblems(slo: ResolvedSlo, target: SloTarget = LARGEST_TARGET): string[] {
    const problems: string[] = [];
    if (slo.prometheusRuleEnabled) {
        const rule = prometheusRuleBytes(slo, target);
        if (rule.total > RULE_FILE_MAX_BYTES) {
            problems.push(
                `alertLabels: make the PrometheusRule about ${kib(rule.total)}, over the ${kib(RULE_FILE_MAX_BYTES)} prometheus-operator ` +
                    `accepts (it rejects a larger one, every alert with it): the ${Object.keys(slo.alertLabels).length} labels ` +
                    `(${kib(rule.alertLabels / rule.alerts)}) are copied onto each of the ${rule.alerts} alerts; keep routing labels few and short`,
            );
        }
    }
    if (slo.grafanaDashboardEnabled) {
        const data = Buffer.byteLength(renderDashboardJson(slo, target));
        const labels = labelBytes(slo.grafanaDashboardLabels);
        if (data > CONFIGMAP_DATA_MAX_BYTES) {
            problems.push(`grafanaDashboardEnabled: the dashboard JSON is ${kib(data)}, over the ${kib(CONFIGMAP_DATA_MAX_BYTES)} a ConfigMap holds`);
        } else if (data + labels > OBJECT_MAX_BYTES) {
            problems.push(
                `grafanaDashboardLabels: make the dashboard ConfigMap ${kib(data + labels)}, over the ${kib(OBJECT_MAX_BYTES)} ` +
                    `the API server can store (etcd's request limit); the sidecar needs one label`,
            );
        }
    }
    return problems;
}
