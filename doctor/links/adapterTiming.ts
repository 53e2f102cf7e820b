/**
 * Link 7: the running adapter's `--metrics-relist-interval` and `--metrics-max-age` against the
 * scrape interval, with the rule in @vllm-pulumi/kube-parser (adapterTiming.ts). The flags come
 * from the local environment or from the adapter Deployment's container; unreadable ones leave
 * the link "not checked", never "ok".
 */
import { parseArgs } from "node:util";
import { ADAPTER_DEFAULT_RELIST, AdapterTiming, adapterTimingFlags, adapterTimingFor, adapterTimingProblems, durationMs, scrapeDurationProblem } from "@vllm-pulumi/kube-parser";
import { Verdict } from "../types";

export interface AdapterTimingFacts {
    /** The adapter's command line (command + args); undefined with `unreadable`. */
    args?: string[];
    unreadable?: string;
    /** Where the flags were read, e.g. "the local environment's adapter". */
    source: string;
    scrapeInterval: string;
    /** Where the scrape interval came from, e.g. "ServiceMonitor vllm-dev/vllm-server". */
    scrapeSource: string;
    /** The stack's `adapterSettings` output, when known. */
    recommended?: AdapterTiming;
}

/** The timing an adapter runs with, from its command line; prometheus-adapter's defaults where unset. */
export function timingFromArgs(args: string[]): AdapterTiming {
    const { values } = parseArgs({
        args,
        options: { "metrics-relist-interval": { type: "string" }, "metrics-max-age": { type: "string" } },
        strict: false,
        allowPositionals: true,
    });
    const str = (v: unknown) => (typeof v === "string" ? v : undefined);
    const relist = str(values["metrics-relist-interval"]) ?? ADAPTER_DEFAULT_RELIST;
    // cmd/adapter/adapter.go: max-age 0 (unset) means "the relist interval".
    const maxAge = str(values["metrics-max-age"]);
    return { metricsRelistInterval: relist, metricsMaxAge: maxAge !== undefined && durationMs(maxAge) !== 0 ? maxAge : relist };
}

export function judgeAdapterTiming(f: AdapterTimingFacts): Verdict {
    const scrapeProblem = scrapeDurationProblem(f.scrapeInterval);
    const want = f.recommended ?? (scrapeProblem ? undefined : adapterTimingFor(f.scrapeInterval));
    const wantFlags = want ? adapterTimingFlags(want).join(" ") : "";
    if (!f.args) {
        return {
            status: "not checked",
            detail: `cannot read ${f.source}'s flags: ${f.unreadable ?? "unknown"}`,
            fix: want ? `make sure it runs with ${wantFlags} (at least the ${f.scrapeInterval} scrape interval)` : undefined,
        };
    }
    if (scrapeProblem) return { status: "not checked", detail: `the scrape interval of ${f.scrapeSource} is unusable: ${scrapeProblem}` };
    const timing = timingFromArgs(f.args);
    const seen = `relist ${timing.metricsRelistInterval}, max-age ${timing.metricsMaxAge} (${f.source}) vs ${f.scrapeInterval} scrapes (${f.scrapeSource})`;
    const problems = adapterTimingProblems(timing, f.scrapeInterval);
    if (problems.length > 0) {
        return {
            status: "broken",
            detail: `${seen}: ${problems.map((p) => p.split(":")[0]).join("; ")}`,
            fix: `restart the adapter with ${wantFlags}${f.recommended ? " (the stack's adapterSettings)" : ""}; Helm chart: metricsRelistInterval, and --metrics-max-age in extraArguments`,
        };
    }
    return { status: "ok", detail: seen };
}
