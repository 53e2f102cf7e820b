/**
 * SLO, alerting, adapter and dashboard settings of a VllmService: the args, their defaults and
 * their validation. Pure: no Pulumi resources. The names are also stack config keys, one to one.
 */
import { Problems, shown } from "../checks";
import { checkAlertLabels, checkRunbookBaseUrl } from "./alertSettings";
import { generatedSizeProblems } from "./objectSize";
import { BURN_RATE_POLICY, burnRateThreshold, round } from "./sloPolicy";
import { ITL_BUCKETS, TTFT_BUCKETS, VLLM } from "./vllmMetrics";

export { BURN_RATE_POLICY, burnRateThreshold, round } from "./sloPolicy";
export type { BurnSeverity } from "./sloPolicy";

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
     * matching the alert headings of the README's SLO section. Absolute http(s) URL; it may use
     * the Go templates ./goTemplate accepts (e.g. `{{ $labels.namespace }}`), nothing else.
     * Default: the README of this project ({@link DEFAULT_RUNBOOK_BASE_URL}).
     */
    runbookBaseUrl?: string;
    /**
     * Extra labels on every alert, e.g. `{team: "ml-platform"}` for Alertmanager routing.
     * Prometheus label names; `severity`, `slo`, `alertname`, `namespace`, `service`, `model_name` and
     * `horizontalpodautoscaler` are set by the rules and cannot be overridden. Values are not empty
     * and may use the Go templates ./goTemplate accepts (Prometheus expands labels too). Every label
     * is copied onto every alert, so the PrometheusRule must stay within prometheus-operator's
     * 512 KiB per rule file. Default `{}`.
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

/** The keys validated here that have a default. */
type Defaulted = keyof typeof SLO_DEFAULTS;

/**
 * Validates and defaults the SLO settings with the component's own {@link Problems} checks.
 * Pushes one message per bad value onto `problems`, each starting with the key to fix
 * (`ttftTargetSeconds: 0.4 is not a bucket bound ...`), and returns the resolved settings (with
 * defaults where a value was bad, so callers can go on collecting problems). `undefined` and
 * `null` mean unset.
 */
export function resolveSlo(args: SloArgs, problems: string[]): ResolvedSlo {
    const p = new Problems();
    /** `value` if set and `check` adds no problem, else `fallback`. */
    const checked = <T>(value: unknown, fallback: T, check: (value: unknown) => unknown): T => {
        if (value === undefined || value === null) return fallback;
        const before = p.list.length;
        check(value);
        return p.list.length === before ? (value as T) : fallback;
    };
    const valid = <K extends Defaulted>(key: K, check: (value: unknown) => unknown) => checked(args[key], SLO_DEFAULTS[key], check);
    const sloWindowDays = valid("sloWindowDays", (v) => p.integer("sloWindowDays", v, 7, 90, "SLO windows longer than a quarter are not supported"));
    const minutes = (key: "queueAtMaxAlertMinutes" | "metricsAbsentAlertMinutes") => valid(key, (v) => p.integer(key, v, 0, 1440, "a day"));
    const bool = (key: "prometheusRuleEnabled" | "adapterConfigMapEnabled" | "grafanaDashboardEnabled") => valid(key, (v) => p.boolean(key, v));
    const namespace = (key: "adapterNamespace" | "grafanaDashboardNamespace") =>
        checked<string | undefined>(args[key], undefined, (v) => p.dns1123(key, v));
    const resolved: ResolvedSlo = {
        prometheusRuleEnabled: bool("prometheusRuleEnabled"),
        sloObjective: valid("sloObjective", (v) => checkObjective(p, v, sloWindowDays)),
        sloWindowDays,
        ttftTargetSeconds: valid("ttftTargetSeconds", (v) => checkBucketTarget(p, "ttftTargetSeconds", v, VLLM.ttft.name, TTFT_BUCKETS)),
        tpotTargetSeconds: valid("tpotTargetSeconds", (v) => checkBucketTarget(p, "tpotTargetSeconds", v, VLLM.interTokenLatency.name, ITL_BUCKETS)),
        runbookBaseUrl: valid("runbookBaseUrl", (v) => checkRunbookBaseUrl(p, v)),
        alertLabels: { ...valid("alertLabels", (v) => checkAlertLabels(p, v)) },
        queueAtMaxAlertMinutes: minutes("queueAtMaxAlertMinutes"),
        metricsAbsentAlertMinutes: minutes("metricsAbsentAlertMinutes"),
        adapterConfigMapEnabled: bool("adapterConfigMapEnabled"),
        adapterNamespace: namespace("adapterNamespace"),
        grafanaDashboardEnabled: bool("grafanaDashboardEnabled"),
        grafanaDashboardLabels: { ...valid("grafanaDashboardLabels", (v) => p.labels("grafanaDashboardLabels", v)) },
        grafanaDashboardNamespace: namespace("grafanaDashboardNamespace"),
    };
    if (resolved.grafanaDashboardEnabled && Object.keys(resolved.grafanaDashboardLabels).length === 0) {
        p.add("grafanaDashboardLabels", "must have at least one label when grafanaDashboardEnabled is true: the Grafana sidecar finds dashboards by label");
    }
    if (p.list.length === 0) p.list.push(...generatedSizeProblems(resolved));
    problems.push(...p.list);
    return resolved;
}

/** A fraction in (0, 1) whose error budget still lets the fast-burn page fire. */
function checkObjective(p: Problems, v: unknown, windowDays: number): void {
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v >= 1) {
        p.add("sloObjective", `must be a fraction strictly between 0 and 1 (e.g. 0.99 for 99%), got ${shown(v)}`);
        return;
    }
    const fast = BURN_RATE_POLICY[0];
    const factor = burnRateThreshold(windowDays, fast.longHours, fast.budgetShare);
    const budget = round(1 - v);
    if (budget * factor >= 1) {
        const min = Math.ceil((1 - 1 / factor) * 1e4) / 1e4;
        p.add(
            "sloObjective",
            `${v} leaves an error budget of ${round(budget * 100)}%: the fast-burn page (${factor}x over ${fast.long}) ` +
                `would need more than 100% bad events and could never fire; use an objective of at least ${min}`,
        );
    }
}

/** A latency target the SLI can read: one of the histogram's bucket bounds. */
function checkBucketTarget(p: Problems, key: "ttftTargetSeconds" | "tpotTargetSeconds", v: unknown, metric: string, buckets: readonly number[]): void {
    const before = p.list.length;
    p.positive(key, v);
    if (p.list.length === before && !buckets.includes(v as number)) {
        p.add(key, `${v} is not a bucket bound of ${metric} (${buckets.join(", ")}); the SLI counts the le="${v}" bucket, so pick one of these`);
    }
}
