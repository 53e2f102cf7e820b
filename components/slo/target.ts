/**
 * What the component tells the SLO builders about the service it created, and the PromQL label
 * selectors that scope every rule and dashboard query to that service.
 */

export interface SloTarget {
    namespace: string;
    /** The Service name; the ServiceMonitor puts it on every scraped series as `service`. */
    serviceName: string;
    deploymentName: string;
    /** The HPA scaling the Deployment; undefined when autoscaling is off (the HPA alerts are then left out). */
    hpaName?: string;
    /** `--served-model-name`; vLLM puts it on every series as `model_name`. */
    servedModelName: string;
    /** HPA `averageValue` of `vllm:num_requests_waiting` per pod. */
    queueTarget: number;
}

/** PromQL selectors for one service: vLLM series, HTTP series and kube-state-metrics HPA series. */
export function targetSelectors(target: SloTarget) {
    const svc = { namespace: target.namespace, service: target.serviceName };
    const model = { ...svc, model_name: target.servedModelName };
    const hpa = { namespace: target.namespace, horizontalpodautoscaler: target.hpaName ?? "" };
    return {
        /** Labels of a service's series (HTTP metrics, absent()). */
        service: svc,
        /** Labels of a service's vLLM engine series. */
        model,
        hpa,
        /** The OpenAI API handlers (excludes /metrics, /health which vLLM does not count anyway). */
        apiHandlers: 'handler=~"/v1/.+"',
    };
}
