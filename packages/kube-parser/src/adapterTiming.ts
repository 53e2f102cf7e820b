/**
 * prometheus-adapter's timing rule, in one place for the component (its `adapterSettings` output
 * and the comment of `adapterRules`), the local environment (the flags it starts the adapter with)
 * and the doctor (which compares a running adapter's flags with the scrape interval).
 *
 * Every `--metrics-relist-interval` the adapter lists series with `start = now - --metrics-max-age`
 * (max-age defaults to the relist interval). A window shorter than the scrape interval often holds
 * no sample, the metric drops out of custom.metrics.k8s.io and the HPA reports FailedGetPodsMetric
 * (seen with a 5 s relist and 15 s scrapes). prometheus-adapter's README: both must be at least the
 * scrape interval. We relist once per scrape and look back two scrapes, so one late or failed scrape
 * does not hide the metric.
 */
import { durationMs, formatDuration } from "./durations";

export interface AdapterTiming {
    /** `--metrics-relist-interval` (Helm chart value `metricsRelistInterval`). */
    metricsRelistInterval: string;
    /** `--metrics-max-age` (Helm chart: pass it in `extraArguments`). */
    metricsMaxAge: string;
}

function mustMs(what: string, d: string): number {
    const ms = durationMs(d);
    if (ms === undefined || ms === 0) throw new Error(`${what}: "${d}" is not a positive Prometheus duration (e.g. "15s")`);
    return ms;
}

/** The adapter timing for series scraped every `scrapeInterval`: relist = scrape, max-age = 2 x scrape. */
export function adapterTimingFor(scrapeInterval: string): AdapterTiming {
    const scrape = mustMs("scrape interval", scrapeInterval);
    return { metricsRelistInterval: formatDuration(scrape), metricsMaxAge: formatDuration(2 * scrape) };
}

/** The adapter's command-line flags for a timing. */
export function adapterTimingFlags(t: AdapterTiming): string[] {
    return [`--metrics-relist-interval=${t.metricsRelistInterval}`, `--metrics-max-age=${t.metricsMaxAge}`];
}

/** prometheus-adapter's defaults (cmd/adapter/adapter.go, v0.12.0): relist 10m, max-age = relist. */
export const ADAPTER_DEFAULT_RELIST = "10m";

/**
 * What is wrong with a timing for series scraped every `scrapeInterval`, each problem with its fix;
 * empty when both windows cover at least one scrape. Durations are read as Go would (`1m30s`).
 */
export function adapterTimingProblems(t: AdapterTiming, scrapeInterval: string): string[] {
    const scrape = mustMs("scrape interval", scrapeInterval);
    const problems: string[] = [];
    const check = (flag: string, value: string) => {
        const ms = durationMs(value);
        if (ms === undefined) problems.push(`${flag}=${value} is not a duration this check can read`);
        else if (ms < scrape) {
            problems.push(`${flag}=${value} is shorter than the scrape interval ${scrapeInterval}: the adapter's series list is often empty and the HPA gets no value; set it to at least ${scrapeInterval}`);
        }
    };
    check("--metrics-relist-interval", t.metricsRelistInterval);
    check("--metrics-max-age", t.metricsMaxAge);
    return problems;
}
