/** Names of the SLI recording rules and the windows they are recorded over. */
import { BURN_RATE_POLICY } from "./sloPolicy";

/** The windows the burn-rate alerts read, shortest first. */
export const SLI_WINDOWS: readonly string[] = (() => {
    const seconds = (w: string) => parseInt(w, 10) * { m: 60, h: 3600, d: 86400 }[w.slice(-1) as "m" | "h" | "d"];
    const all = new Set<string>();
    for (const p of BURN_RATE_POLICY) {
        all.add(p.long);
        all.add(p.short);
    }
    return [...all].sort((a, b) => seconds(a) - seconds(b));
})();

/** Names of the recording rules (the series they produce carry namespace, service[, model_name]). */
export const RECORDS = {
    /** Fraction of requests with TTFT within the target, over window w. */
    ttftCompliance: (w: string) => `vllm_slo:ttft_compliance:ratio_rate${w}`,
    /** Fraction of inter-token intervals within the TPOT target, over window w. */
    tpotCompliance: (w: string) => `vllm_slo:tpot_compliance:ratio_rate${w}`,
    /** Fraction of OpenAI API requests (`/v1/...`) answered with a 5xx, over window w. */
    errorRatio: (w: string) => `vllm_slo:request_errors:ratio_rate${w}`,
    /** Live queue depth: all waiting requests of the service. */
    waitingSum: "vllm_slo:num_requests_waiting:sum",
    /** Running requests of the service. */
    runningSum: "vllm_slo:num_requests_running:sum",
    /** Waiting requests per pod: the number the HPA compares with its target. */
    waitingPerPod: "vllm_slo:num_requests_waiting:avg_per_pod",
    /** running / (running + waiting): 1 means no queue. */
    saturation: "vllm_slo:saturation:ratio",
} as const;

/** Every record name the SLI group produces. */
export function recordingRuleNames(): string[] {
    const out: string[] = [];
    for (const w of SLI_WINDOWS) out.push(RECORDS.ttftCompliance(w), RECORDS.tpotCompliance(w), RECORDS.errorRatio(w));
    out.push(RECORDS.waitingSum, RECORDS.runningSum, RECORDS.waitingPerPod, RECORDS.saturation);
    return out;
}
