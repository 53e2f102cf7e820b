import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { VllmServiceArgs } from "./args";
import { deploymentArgs } from "./manifests/deployment";
import { canaryDeploymentArgs } from "./manifests/canaryDeployment";
import { metricCatalogueWarnings } from "./metricCatalogueWarning";
import { hpaArgs } from "./manifests/hpa";
import { networkPolicyArgs } from "./manifests/networkPolicy";
import { apiKeySecretArgs, hfTokenSecretArgs } from "./manifests/secrets";
import { inClusterUrl, serviceArgs } from "./manifests/service";
import { serviceMonitorManifest } from "./manifests/serviceMonitor";
import { prometheusRuleManifest, sloTarget } from "./manifests/slo";
import { buildAdapterConfigMap, buildDashboardConfigMap, renderAdapterConfigYaml } from "./slo";
import { secretGate } from "./secretInputs";
import { validateArgs, VllmServiceArgsError } from "./validate";
import { DEFAULTS } from "./defaults";
import { adapterTimingFor } from "@vllm-pulumi/kube-parser";

/**
 * A vLLM OpenAI-compatible server on Kubernetes, wired for queue-depth autoscaling:
 * token Secret, API key, Deployment, Service, ServiceMonitor and HPA (see ../shared/recipe.md).
 *
 * Args are validated before any child is created, so a bad stack fails at `pulumi preview`
 * with one message listing every offending key.
 */
export class VllmService extends pulumi.ComponentResource {
    /** Namespace holding every object. */
    public readonly namespace: pulumi.Output<string>;
    /** Name of the Service (and of the Deployment, HPA and ServiceMonitor). */
    public readonly serviceName: pulumi.Output<string>;
    /** Name of the Deployment. */
    public readonly deploymentName: pulumi.Output<string>;
    /** Name of the HPA, or undefined when autoscaling is off. */
    public readonly hpaName: pulumi.Output<string | undefined>;
    /** In-cluster OpenAI base URL, `http://<svc>.<ns>.svc.cluster.local:8000/v1`. */
    public readonly url: pulumi.Output<string>;
    /** The model name clients send. */
    public readonly servedModelName: pulumi.Output<string>;
    /** The generated API key (secret), or undefined when `apiKeyEnabled` is false. */
    public readonly apiKey: pulumi.Output<string | undefined>;
    /**
     * The prometheus-adapter config (`rules:` YAML) that exposes `vllm:num_requests_waiting` to
     * the HPA; without it the HPA never scales. Also in a ConfigMap when `adapterConfigMapEnabled`.
     */
    public readonly adapterRules: pulumi.Output<string>;
    /**
     * The prometheus-adapter timing the scrape interval needs: `metricsRelistInterval` = the scrape
     * interval, `metricsMaxAge` = twice it. Shorter windows often list no series and the HPA gets no value.
     */
    public readonly adapterSettings: pulumi.Output<{ [flag: string]: string }>;

    constructor(name: string, args: VllmServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so bad config changes nothing.
        const m = validateArgs(name, args);
        super("vllm:index:VllmService", name, {}, opts);
        // An image whose vLLM version lacks a metric the rules read: say so at preview (advisory).
        for (const warning of metricCatalogueWarnings(m)) pulumi.log.warn(warning, this);

        // Every child waits for secrets given as Outputs to be checked: a blank one fails before
        // anything is created. Every namespaced child also waits for the namespace the stack creates.
        const gate = secretGate({ apiKey: m.apiKey, hfToken: m.hfToken }, (problems) => new VllmServiceArgsError(name, problems));
        const after = (deps: pulumi.Resource[]): pulumi.Input<pulumi.Resource[]> => (gate ? gate.apply(() => deps) : deps);
        const parent = { parent: this, dependsOn: after([]) };
        const namespace = m.createNamespace
            ? new k8s.core.v1.Namespace(name, { metadata: { name: m.namespace, labels: m.labels } }, parent)
            : undefined;
        const namespaceDeps: pulumi.Resource[] = namespace ? [namespace] : [];
        const inNamespace: pulumi.CustomResourceOptions = { parent: this, dependsOn: after(namespaceDeps) };

        const secrets: pulumi.Resource[] = [];
        if (m.hfToken !== undefined) {
            secrets.push(new k8s.core.v1.Secret(`${name}-hf-token`, hfTokenSecretArgs(m, m.hfToken), inNamespace));
        }
        let apiKey: pulumi.Output<string | undefined> = pulumi.output(undefined);
        if (m.apiKeySecretName) {
            apiKey = m.apiKey !== undefined
                ? pulumi.output(m.apiKey)
                : new random.RandomPassword(`${name}-api-key`, { length: 48, special: false }, parent).result;
            secrets.push(new k8s.core.v1.Secret(`${name}-api-key`, apiKeySecretArgs(m, apiKey as pulumi.Output<string>), inNamespace));
        }

        // The pods need their Secrets to exist before they can start.
        const deployment = new k8s.apps.v1.Deployment(name, deploymentArgs(m), { ...inNamespace, dependsOn: after([...namespaceDeps, ...secrets]) });
        if (m.canary) {
            // An upgrade in progress (npm run upgrade): the new version beside the stable pods, outside the HPA.
            new k8s.apps.v1.Deployment(`${name}-canary`, canaryDeploymentArgs(m, m.canary), { ...inNamespace, dependsOn: after([...namespaceDeps, ...secrets]) });
        }
        const service = new k8s.core.v1.Service(name, serviceArgs(m), inNamespace);
        if (m.networkPolicy) {
            new k8s.networking.v1.NetworkPolicy(name, networkPolicyArgs(m, m.networkPolicy), inNamespace);
        }

        if (m.serviceMonitor) {
            new k8s.apiextensions.CustomResource(name, serviceMonitorManifest(m, m.serviceMonitor), inNamespace);
        }
        // SLO wiring: alerting rules, the adapter rule the HPA depends on, a dashboard.
        const target = sloTarget(m);
        const timing = adapterTimingFor(m.serviceMonitor?.interval ?? DEFAULTS.scrapeInterval);
        if (m.slo.prometheusRuleEnabled) {
            new k8s.apiextensions.CustomResource(`${name}-slo`, prometheusRuleManifest(m), inNamespace);
        }
        if (m.slo.adapterConfigMapEnabled) {
            new k8s.core.v1.ConfigMap(`${name}-adapter-rules`, buildAdapterConfigMap(m.slo, target, m.labels, timing), inNamespace);
        }
        if (m.slo.grafanaDashboardEnabled) {
            new k8s.core.v1.ConfigMap(`${name}-dashboard`, buildDashboardConfigMap(m.slo, target, m.labels), inNamespace);
        }
        const hpa = m.autoscaling
            ? new k8s.autoscaling.v2.HorizontalPodAutoscaler(name, hpaArgs(m, m.autoscaling), { ...inNamespace, dependsOn: after([deployment]) })
            : undefined;

        this.namespace = service.metadata.namespace;
        this.serviceName = service.metadata.name;
        this.deploymentName = deployment.metadata.name;
        this.hpaName = hpa ? hpa.metadata.name : pulumi.output(undefined);
        this.url = pulumi.all([service.metadata.name, service.metadata.namespace]).apply(() => inClusterUrl(m));
        this.servedModelName = pulumi.output(m.servedModelName);
        this.apiKey = pulumi.secret(apiKey);
        this.adapterRules = pulumi.output(renderAdapterConfigYaml(target, timing));
        const settings: { [flag: string]: string } = { ...timing };
        this.adapterSettings = pulumi.output(settings);

        this.registerOutputs({
            namespace: this.namespace,
            serviceName: this.serviceName,
            deploymentName: this.deploymentName,
            hpaName: this.hpaName,
            url: this.url,
            servedModelName: this.servedModelName,
            apiKey: this.apiKey,
            adapterRules: this.adapterRules,
            adapterSettings: this.adapterSettings,
        });
    }
}

