/**
 * The doctor's vocabulary: the links of the elasticity chain (in the order the recipe walks them),
 * what a link's judge says about it, and what the CLI prints. Pure types and constants.
 */

/** The chain, in order: each link needs the ones before it to hold for the HPA to scale. */
export const LINKS = [
    "pods-ready",
    "metrics-endpoint",
    "servicemonitor-selected",
    "series",
    "apiservice",
    "adapter-lists-metric",
    "adapter-timing",
    "hpa",
    "prometheus-rule",
] as const;

export type LinkId = (typeof LINKS)[number];

/** A short human title per link, as printed. */
export const LINK_TITLES: Record<LinkId, string> = {
    "pods-ready": "pods Ready",
    "metrics-endpoint": "/metrics answers",
    "servicemonitor-selected": "Prometheus selects the ServiceMonitor",
    series: "series in Prometheus",
    apiservice: "custom-metrics APIService",
    "adapter-lists-metric": "adapter serves the metric",
    "adapter-timing": "adapter relist vs scrape",
    hpa: "HPA reads the metric",
    "prometheus-rule": "PrometheusRule loaded",
};

/** The metric the HPA scales on (components/manifests/hpa.ts QUEUE_METRIC). */
export const QUEUE_METRIC = "vllm:num_requests_waiting";

export type Status = "ok" | "broken" | "not checked";

/** What one link's judge concludes from observed facts. */
export interface Verdict {
    status: Status;
    /** What was seen, in one sentence. */
    detail: string;
    /** What to do (broken), or why it could not be judged (not checked: in detail). */
    fix?: string;
}

/** A verdict in the chain: `after` names the first broken link before it, when there is one. */
export interface LinkResult extends Verdict {
    link: LinkId;
    title: string;
    after?: LinkId;
}

/** The objects of one VllmService the doctor walks (stack outputs, or flags). */
export interface Target {
    namespace: string;
    service: string;
    deployment: string;
    /** Undefined when the stack has no HPA (autoscaling off). */
    hpa?: string;
    /** The stack's `adapterSettings` output, when read from a stack. */
    adapterSettings?: { metricsRelistInterval: string; metricsMaxAge: string };
    /** Where the names came from, for the header line (`stack dev`, `flags`). */
    source: string;
}

/** Input the doctor cannot work with (no such stack, unreachable cluster, missing objects): exit 2. */
export class BadInput extends Error {}
