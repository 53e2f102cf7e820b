/** Prometheus durations: one definition, in the parser package (the local environment and the doctor use it too). */
export { OPERATOR_DURATION, durationMs, formatDuration, scrapeDurationProblem } from "@vllm-pulumi/kube-parser";
