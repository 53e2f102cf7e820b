/**
 * One doctor run: checks the target exists (else BadInput, exit 2), reads the facts of every
 * link, judges them and walks the chain. The readers are thin; every decision is in links/.
 */
import type { V1Namespace } from "@kubernetes/client-node";
import { ChainOutcome, walkChain } from "./chain";
import { judgeAdapterLists } from "./links/adapterLists";
import { AdapterTimingFacts, judgeAdapterTiming } from "./links/adapterTiming";
import { judgeApiService } from "./links/apiService";
import { judgeHpa } from "./links/hpa";
import { judgeMetricsEndpoint } from "./links/metricsEndpoint";
import { judgePods } from "./links/pods";
import { judgePrometheusRule } from "./links/prometheusRule";
import { judgeSeries } from "./links/series";
import { judgeServiceMonitor, monitorOf } from "./links/serviceMonitor";
import { adapterArgsFromCluster, adapterListsFacts, readApiService, servedPodsMetrics } from "./observe/adapter";
import { OPERATOR_DEFAULT_SCRAPE, prometheusRuleFacts, readMonitoringObjects, selectingPrometheuses, serviceMonitorFacts, seriesFacts } from "./observe/monitoring";
import { hpaFacts, metricsFacts, podsFacts, readWorkload } from "./observe/workload";
import { KubeReader } from "./readers/kube";
import { DirectPromReader, PromReader, ProxiedPromReader } from "./readers/prometheus";
import { BadInput, Target } from "./types";

export interface DiagnoseOptions {
    target: Target;
    kube: KubeReader;
    /** `--prometheus-url`, `$PROMETHEUS_URL` or the local environment's; else the API server's proxy. */
    prometheusUrl?: string;
    /** On the local environment: its adapter's command line (Environment.adapterArgs). */
    localAdapterArgs?: () => string[] | undefined;
}

export interface Diagnosis {
    outcome: ChainOutcome;
    /** Cluster and Prometheus, for the header line. */
    where: string;
}

/** The cluster must answer (KubeReader.ensureReachable) before this is called. */
export async function diagnose(o: DiagnoseOptions): Promise<Diagnosis> {
    const { kube, target: t } = o;
    const ns = await kube.get<V1Namespace>(`/api/v1/namespaces/${encodeURIComponent(t.namespace)}`);
    if (!ns) throw new BadInput(`namespace ${t.namespace} does not exist on the cluster at ${kube.server}`);
    const w = await readWorkload(kube, t);
    if (!w.deployment || !w.service) {
        const missing = [!w.deployment && `Deployment ${t.deployment}`, !w.service && `Service ${t.service}`].filter(Boolean).join(" and no ");
        throw new BadInput(`namespace ${t.namespace} has no ${missing} (is the stack deployed to this cluster?)`);
    }
    const workload = { deployment: w.deployment, service: w.service, pods: w.pods };
    const serviceLabels = w.service.metadata?.labels ?? {};

    const mon = await readMonitoringObjects(kube, t.namespace, ns);
    const monitor = monitorOf({ monitors: mon.monitors, namespace: t.namespace, serviceLabels });
    const chosen = selectingPrometheuses(mon, t.namespace, serviceLabels);
    let prom: PromReader | undefined;
    let promError: string | undefined;
    if (o.prometheusUrl) prom = new DirectPromReader(o.prometheusUrl);
    else if (chosen[0]) prom = new ProxiedPromReader(kube, chosen[0].namespace);
    else promError = "no Prometheus URL (--prometheus-url, PROMETHEUS_URL) and no Prometheus selects the ServiceMonitor to reach through the API server";

    const scrape = monitor?.interval
        ? { interval: monitor.interval, source: `ServiceMonitor ${t.namespace}/${monitor.name}` }
        : chosen[0]?.scrapeInterval
          ? { interval: chosen[0].scrapeInterval, source: `Prometheus ${chosen[0].namespace}/${chosen[0].name}` }
          : { interval: OPERATOR_DEFAULT_SCRAPE, source: "the Operator's default" };

    const api = await readApiService(kube);
    let flags: { args?: string[]; source: string; unreadable?: string };
    if (o.localAdapterArgs) {
        const args = o.localAdapterArgs();
        flags = args ? { args, source: "the local environment's adapter" } : { source: "the local environment's adapter", unreadable: "no adapter configured yet (npm run demo configures it)" };
    } else {
        flags = await adapterArgsFromCluster(kube, api.object);
    }
    const timingFacts: AdapterTimingFacts = { ...flags, scrapeInterval: scrape.interval, scrapeSource: scrape.source, recommended: t.adapterSettings };
    const timing = judgeAdapterTiming(timingFacts);
    const lists = await adapterListsFacts(kube, t.namespace, timing.status === "broken");

    const outcome = walkChain({
        "pods-ready": judgePods(podsFacts(t, workload)),
        "metrics-endpoint": judgeMetricsEndpoint(
            await metricsFacts(kube, t, workload, { portName: monitor?.endpointPorts[0] || "http", path: monitor?.endpointPath || "/metrics" }),
        ),
        "servicemonitor-selected": judgeServiceMonitor(await serviceMonitorFacts(mon, { namespace: t.namespace, service: t.service, serviceLabels }, prom, promError)),
        series: judgeSeries(await seriesFacts(t.namespace, prom, promError)),
        apiservice: judgeApiService(api.facts),
        "adapter-lists-metric": judgeAdapterLists(lists),
        "adapter-timing": timing,
        hpa: judgeHpa(await hpaFacts(kube, t, servedPodsMetrics(lists.resources))),
        "prometheus-rule": judgePrometheusRule(await prometheusRuleFacts(kube, mon, t.namespace, prom, promError)),
    });
    return { outcome, where: `cluster ${kube.server}, Prometheus ${prom?.where ?? "none"}` };
}
