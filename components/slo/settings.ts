/**
 * SLO, alerting, adapter and dashboard settings of a VllmService: the args, their defaults and
 * their validation. Pure: no Pulumi resources. The names are also stack config keys, one to one.
 */
import { ITL_BUCKETS, TTFT_BUCKETS, VLLM } from "./vllmMetrics";

/**
 * SLO wiring args of {@link VllmServiceArgs} (which extends this interface). Every key is optional;
 * defaults are in {@link SLO_DEFAULTS}. Plain data only, so the component stays publishable as a
 * multi-language package.
 */
export interface SloArgs {
    /**
     * Create a `monitoring.coreos.com/v1` PrometheusRule with the SLI recording rules, the
     * multi-window multi-burn-rate alerts and the capacity alerts. Needs the Prometheus Operator.
     * Default `true`.
     */
    prometheusRuleEnabled?: boolean;
    /**
     * Target fraction of good events, in (0, 1), shared by the three SLOs: requests whose time to
     * first token is within `ttftTargetSeconds`, generated tokens whose inter-token latency is
     * within `tpotTargetSeconds`, and OpenAI API requests answered without a 5xx. The error budget
     * is `1 - sloObjective`. Must leave a fast page reachable (budget x fast burn rate < 1).
     * Default `0.99`.
     */
    sloObjective?: number;
    /**
     * Length of the SLO window in days (integer, 7 to 90). The burn-rate thresholds are derived
     * from it so that each alert means a fixed share of the window's error budget: page at 2% in 1h
     * or 5% in 6h, ticket at 10% in 1d or 10% in 3d (for 30 days these are the SRE Workbook's
     * 14.4x, 6x, 3x and 1x). Default `28` (four whole weeks, so weekly patterns compare).
     */
    sloWindowDays?: number;
    /**
     * Time-to-first-token target in seconds. The SLI reads the histogram bucket `le` equal to the
     * target, so it must be one of the bucket bounds of `vllm:time_to_first_token_seconds` in
     * the pinned vLLM (0.001 ... 0.25, 0.5, 0.75, 1, 2.5, 5 ...); anything else is an error.
     * Default `0.5` (the recipe's 500 ms).
     */
    ttftTargetSeconds?: number;
    /**
     * Time-per-output-token target in seconds, read from `vllm:inter_token_latency_seconds`
     * (vLLM 0.11's name for TPOT). Must be one of its bucket bounds (0.01, 0.025, 0.05, 0.075, 0.1,
     * 0.15, 0.2, 0.3 ...). Default `0.1` (10 tokens/s per stream at worst, comfortably readable).
     */
    tpotTargetSeconds?: number;
    /**
     * Base URL of the runbook; each alert's `runbook_url` is `<base>#<alert name in lower case>`,
     * matching the alert headings of the README's SLO section. Absolute http(s) URL.
     * Default: the README of this project ({@link DEFAULT_RUNBOOK_BASE_URL}).
     */
    runbookBaseUrl?: string;
    /**
     * Extra labels on every alert, e.g. `{team: "ml-platform"}` for Alertmanager routing.
     * Prometheus label names; `severity`, `slo`, `alertname`, `namespace`, `service`, `model_name` and
     * `horizontalpodautoscaler` are set by the rules and cannot be overridden. Default `{}`.
     */
    alertLabels?: { [key: string]: string };
    /**
     * Minutes the queue must stay above the HPA target with the HPA at maxReplicas before
     * `VllmQueueAtMaxReplicas` fires (the rule's `for`). Integer, 0 to 1440. Default `15`.
     */
    queueAtMaxAlertMinutes?: number;
    /**
     * Minutes without any vLLM series from the service before `VllmMetricsAbsent` fires (the rule's
     * `for`). Integer, 0 to 1440. Default `30`.
     */
    metricsAbsentAlertMinutes?: number;
    /**
     * Create a ConfigMap holding a prometheus-adapter config (`config.yaml`) with the rule that
     * exposes `vllm:num_requests_waiting` on the custom metrics API, which the HPA needs. Point the
     * adapter at it (Helm chart: `rules.existing=<name>`) or copy the rule into your adapter's
     * config; the rule is also a component output. Default `true` (a ConfigMap alone changes nothing).
     */
    adapterConfigMapEnabled?: boolean;
    /** Namespace of that ConfigMap: where prometheus-adapter runs. Default: the service's namespace. */
    adapterNamespace?: string;
    /**
     * Create a ConfigMap with a Grafana dashboard (TTFT/TPOT vs target, queue vs HPA target,
     * replicas, KV cache, tokens/s, errors) for the Grafana dashboard sidecar. Default `true`.
     */
    grafanaDashboardEnabled?: boolean;
    /**
     * Labels the Grafana sidecar discovers dashboard ConfigMaps by. Default `{grafana_dashboard: "1"}`
     * (the kube-prometheus-stack / Grafana chart default).
     */
    grafanaDashboardLabels?: { [key: string]: string };
    /** Namespace of the dashboard ConfigMap (one the sidecar watches). Default: the service's namespace. */
    grafanaDashboardNamespace?: string;
}

/** Every SLO setting, validated and defaulted: what the builders read. */
export interface ResolvedSlo {
    prometheusRuleEnabled: boolean;
    sloObjective: number;
    sloWindowDays: number;
    ttftTargetSeconds: number;
    tpotTargetSeconds: number;
    runbookBaseUrl: string;
    alertLabels: Record<string, string>;
    queueAtMaxAlertMinutes: number;
    metricsAbsentAlertMinutes: number;
    adapterConfigMapEnabled: boolean;
    /** Undefined: use the service's namespace. */
    adapterNamespace?: string;
    grafanaDashboardEnabled: boolean;
    grafanaDashboardLabels: Record<string, string>;
    /** Undefined: use the service's namespace. */
    grafanaDashboardNamespace?: string;
}

/**
 * Where `runbook_url` points by default: a reserved documentation host (RFC 2606), so an
 * unconfigured link is obviously a placeholder. Set `runbookBaseUrl` to where your copy of this
 * README (whose SLO section has one heading per alert) is published.
 */
export const DEFAULT_RUNBOOK_BASE_URL = "https://runbooks.example.com/vllm-on-kubernetes/README.md";

type Optional = "adapterNamespace" | "grafanaDashboardNamespace";

/** Every default of the SLO settings, in one place. */
export const SLO_DEFAULTS: Readonly<Required<Omit<SloArgs, Optional>>> = {
    prometheusRuleEnabled: true,
    sloObjective: 0.99,
    sloWindowDays: 28,
    ttftTargetSeconds: 0.5,
    tpotTargetSeconds: 0.1,
    runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
    alertLabels: {},
    queueAtMaxAlertMinutes: 15,
    metricsAbsentAlertMinutes: 30,
    adapterConfigMapEnabled: true,
    grafanaDashboardEnabled: true,
    grafanaDashboardLabels: { grafana_dashboard: "1" },
};

export { BURN_RATE_POLICY, burnRateThreshold, round } from "./sloPolicy";
export type { BurnSeverity } from "./sloPolicy";
import { BURN_RATE_POLICY, burnRateThreshold, round } from "./sloPolicy";

const PROM_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels the alert rules set or take from their series: routing and dedup depend on them. */
const RESERVED_ALERT_LABELS = ["severity", "slo", "alertname", "namespace", "service", "model_name", "horizontalpodautoscaler"];
const K8S_LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const K8S_LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function fmtBuckets(buckets: readonly number[]): string {
    return buckets.join(", ");
}

/**
 * Validates and defaults the SLO settings. Pushes one message per bad value onto `problems`,
 * each starting with the key to fix (`ttftTargetSeconds: 0.4 is not a bucket bound ...`), and
 * returns the resolved settings (with defaults where a value was bad, so callers can go on
 * collecting problems).
 */
export function resolveSlo(args: SloArgs, problems: string[]): ResolvedSlo {
    const add = (key: keyof SloArgs, message: string) => problems.push(`${key}: ${message}`);
    const d = SLO_DEFAULTS;

    const bool = (key: "prometheusRuleEnabled" | "adapterConfigMapEnabled" | "grafanaDashboardEnabled"): boolean => {
        const v = args[key];
        if (v === undefined || v === null) return d[key];
        if (typeof v !== "boolean") {
            add(key, `must be true or false, got ${JSON.stringify(v)}`);
            return d[key];
        }
        return v;
    };

    const labels = (key: "alertLabels" | "grafanaDashboardLabels", kind: "prometheus" | "kubernetes"): Record<string, string> => {
        const v = args[key];
        if (v === undefined || v === null) return { ...d[key] };
        if (typeof v !== "object" || Array.isArray(v)) {
            add(key, `must be a map of label names to string values, got ${JSON.stringify(v)}`);
            return { ...d[key] };
        }
        const out: Record<string, string> = {};
        for (const [k, val] of Object.entries(v)) {
            if (typeof val !== "string") {
                add(key, `value of "${k}" must be a string, got ${JSON.stringify(val)}`);
                continue;
            }
            if (kind === "prometheus") {
                if (!PROM_LABEL_NAME.test(k) || k.startsWith("__")) {
                    add(key, `"${k}" is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)`);
                    continue;
                }
                if (RESERVED_ALERT_LABELS.includes(k)) {
                    add(key, `"${k}" is set by the alert rules themselves and cannot be overridden`);
                    continue;
                }
            } else {
                if (!K8S_LABEL_KEY.test(k)) {
                    add(key, `"${k}" is not a valid Kubernetes label key`);
                    continue;
                }
                if (!K8S_LABEL_VALUE.test(val)) {
                    add(key, `value "${val}" of "${k}" is not a valid Kubernetes label value`);
                    continue;
                }
            }
            out[k] = val;
        }
        return out;
    };

    const namespace = (key: "adapterNamespace" | "grafanaDashboardNamespace"): string | undefined => {
        const v = args[key];
        if (v === undefined || v === null || v === "") return undefined;
        if (typeof v !== "string" || !DNS1123_LABEL.test(v)) {
            add(key, `${JSON.stringify(v)} is not a valid namespace name (DNS-1123 label: lower-case letters, digits and '-', at most 63)`);
            return undefined;
        }
        return v;
    };

    // --- objective and window ---------------------------------------------------------------
    let windowDays: number = d.sloWindowDays;
    if (args.sloWindowDays !== undefined && args.sloWindowDays !== null) {
        const v = args.sloWindowDays;
        if (typeof v !== "number" || !Number.isInteger(v) || v < 7 || v > 90) {
            add("sloWindowDays", `must be a whole number of days between 7 and 90, got ${JSON.stringify(v)}`);
        } else {
            windowDays = v;
        }
    }

    let objective: number = d.sloObjective;
    if (args.sloObjective !== undefined && args.sloObjective !== null) {
        const v = args.sloObjective;
        if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v >= 1) {
            add("sloObjective", `must be a fraction strictly between 0 and 1 (e.g. 0.99 for 99%), got ${JSON.stringify(v)}`);
        } else {
            const fast = BURN_RATE_POLICY[0];
            const factor = burnRateThreshold(windowDays, fast.longHours, fast.budgetShare);
            const budget = round(1 - v);
            if (budget * factor >= 1) {
                const min = Math.ceil((1 - 1 / factor) * 1e4) / 1e4;
                add(
                    "sloObjective",
                    `${v} leaves an error budget of ${round(budget * 100)}%: the fast-burn page (${factor}x over ${fast.long}) ` +
                        `would need more than 100% bad events and could never fire; use an objective of at least ${min}`,
                );
            } else {
                objective = v;
            }
        }
    }

    // --- latency targets: must be histogram bucket bounds -----------------------------------
    const target = (key: "ttftTargetSeconds" | "tpotTargetSeconds", metric: string, buckets: readonly number[]): number => {
        const v = args[key];
        if (v === undefined || v === null) return d[key];
        if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
            add(key, `must be a number of seconds > 0, got ${JSON.stringify(v)}`);
            return d[key];
        }
        if (!buckets.includes(v)) {
            add(
                key,
                `${v} is not a bucket bound of ${metric} (${fmtBuckets(buckets)}); ` +
                    `the SLI counts the le="${v}" bucket, so pick one of these`,
            );
            return d[key];
        }
        return v;
    };
    const ttft = target("ttftTargetSeconds", VLLM.ttft.name, TTFT_BUCKETS);
    const tpot = target("tpotTargetSeconds", VLLM.interTokenLatency.name, ITL_BUCKETS);

    // --- runbook ----------------------------------------------------------------------------
    let runbookBaseUrl: string = d.runbookBaseUrl;
    if (args.runbookBaseUrl !== undefined && args.runbookBaseUrl !== null) {
        const v = args.runbookBaseUrl;
        let ok = false;
        if (typeof v === "string" && !/\s/.test(v)) {
            try {
                const u = new URL(v);
                ok = (u.protocol === "https:" || u.protocol === "http:") && u.hash === "";
            } catch {
                ok = false;
            }
        }
        if (!ok) {
            add("runbookBaseUrl", `must be an absolute http(s) URL without a #fragment (each alert appends #<alert>), got ${JSON.stringify(v)}`);
        } else {
            runbookBaseUrl = v;
        }
    }

    const minutes = (key: "queueAtMaxAlertMinutes" | "metricsAbsentAlertMinutes"): number => {
        const v = args[key];
        if (v === undefined || v === null) return d[key];
        if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 1440) {
            add(key, `must be a whole number of minutes between 0 and 1440, got ${JSON.stringify(v)}`);
            return d[key];
        }
        return v;
    };

    const grafanaDashboardEnabled = bool("grafanaDashboardEnabled");
    const grafanaDashboardLabels = labels("grafanaDashboardLabels", "kubernetes");
    if (grafanaDashboardEnabled && args.grafanaDashboardLabels && Object.keys(args.grafanaDashboardLabels).length === 0) {
        add("grafanaDashboardLabels", "must have at least one label when grafanaDashboardEnabled is true: the Grafana sidecar finds dashboards by label");
    }

    return {
        prometheusRuleEnabled: bool("prometheusRuleEnabled"),
        sloObjective: objective,
        sloWindowDays: windowDays,
        ttftTargetSeconds: ttft,
        tpotTargetSeconds: tpot,
        runbookBaseUrl,
        alertLabels: labels("alertLabels", "prometheus"),
        queueAtMaxAlertMinutes: minutes("queueAtMaxAlertMinutes"),
        metricsAbsentAlertMinutes: minutes("metricsAbsentAlertMinutes"),
        adapterConfigMapEnabled: bool("adapterConfigMapEnabled"),
        adapterNamespace: namespace("adapterNamespace"),
        grafanaDashboardEnabled,
        grafanaDashboardLabels,
        grafanaDashboardNamespace: namespace("grafanaDashboardNamespace"),
    };
}
