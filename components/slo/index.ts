/**
 * SLO wiring of a VllmService, all pure (no Pulumi resources): settings and validation,
 * the PrometheusRule spec, the prometheus-adapter rule and the Grafana dashboard.
 * Metric names live in ./vllmMetrics only.
 */
export * from "./vllmMetrics";
export * from "./settings";
export * from "./promql";
export * from "./prometheusRule";
export * from "./adapterRule";
export * from "./dashboard";
