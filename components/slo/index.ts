/**
 * SLO wiring of a VllmService, all pure (no Pulumi resources): settings and validation,
 * the PrometheusRule spec (SLI recording rules, burn-rate alerts, capacity alerts), the
 * prometheus-adapter rule and the Grafana dashboard (rows, panels, queries).
 * Metric names live in ./vllmMetrics only.
 */
export * from "./vllmMetrics";
export * from "./sloPolicy";
export * from "./settings";
export * from "./promql";
export * from "./prometheusRule";
export * from "./adapterRule";
export * from "./dashboard";
export * from "./goTemplate";
export * from "./objectSize";
export * from "./metricNames";
