import * as pulumi from "@pulumi/pulumi";
import { SloArgs } from "./slo/settings";

/**
 * Arguments of {@link VllmService}.
 *
 * The names are also the stack config keys of the program (`Pulumi.yaml`), one to one,
 * so that a validation error names the key a user has to fix. Args are plain data
 * (no unions, no callbacks) so the component can be published as a multi-language
 * component package. Defaults live in `defaults.ts`.
 */
export interface VllmServiceArgs extends SloArgs {
    // --- Identity -------------------------------------------------------------------

    /** Base name of every Kubernetes object (DNS-1035 label). Default: the component's resource name. */
    name?: string;
    /** Namespace for every object. Default `serving` (the recipe's). */
    namespace?: string;
    /** Create the namespace as part of the stack. Default `false`: most platforms own their namespaces. */
    createNamespace?: boolean;
    /**
     * Extra labels on every object (selectors never change: they are immutable on a Deployment). Keys are
     * `[prefix/]name` with a DNS-subdomain prefix, as the API server requires. Default none.
     */
    labels?: { [key: string]: string };

    // --- Engine ---------------------------------------------------------------------

    /**
     * vLLM image: a valid reference (lower-case repository, no whitespace) pinned by a version tag or a
     * `@sha256:` digest; `latest`, no tag or a placeholder is an error. Default `vllm/vllm-openai:v0.11.0`, the version the SLO rules' metric names come from.
     */
    image?: string;
    /** Hugging Face model id or local path passed as `--model`. Required. */
    model: string;
    /**
     * Model revision passed as `--revision`: a commit hash (best) or tag, so a model push upstream
     * never changes what runs. Required; `main`/`master` are rejected as floating.
     */
    modelRevision: string;
    /** Name clients send as `model` (`--served-model-name`). Default `default`: clients need not change when the model does. */
    servedModelName?: string;
    /** GPUs one replica shards the model across (`--tensor-parallel-size`); also the pod's `nvidia.com/gpu`. Default 1. */
    tensorParallelSize?: number;
    /**
     * Pipeline stages on the same node (`--pipeline-parallel-size`). The pod gets
     * tensorParallelSize x pipelineParallelSize GPUs. Default 1 (flag omitted).
     */
    pipelineParallelSize?: number;
    /** Context length in tokens (`--max-model-len`); size it to the KV-cache headroom. Default 8192. */
    maxModelLen?: number;
    /** Fraction of each GPU's memory vLLM may use, in (0, 1] (`--gpu-memory-utilization`). Default 0.9. */
    gpuMemoryUtilization?: number;
    /**
     * Further vLLM flags, appended verbatim, one flag or value per item. Refused, in any spelling vLLM
     * accepts (`--api_key`, `--served`, `--flag=value` or `--flag value`): the flags this component sets
     * itself (`--model`, `--revision`, `--served-model-name`, `--max-model-len`, `--gpu-memory-utilization`,
     * parallelism, `--port`, `--host`, `--api-key`) and `--disable-log-stats` (no metrics: HPA and SLOs go blind).
     * Default none.
     */
    extraArgs?: string[];

    // --- Pod ------------------------------------------------------------------------

    /** Size limit of the memory-backed `/dev/shm` (NCCL/IPC between TP shards), a Kubernetes quantity. Default `16Gi`. */
    shmSizeLimit?: string;
    /** CPU request of the vLLM container (quantity). Default `4`. */
    cpuRequest?: string;
    /** Memory request and limit of the vLLM container (quantity); weights pass through host memory while loading. Default `32Gi`. */
    memory?: string;
    /** Node selector for GPU nodes, e.g. `{"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"}`. Default none. */
    nodeSelector?: { [key: string]: string };
    /** Tolerate the `nvidia.com/gpu` NoSchedule taint most GPU node pools carry. Default `true`. */
    tolerateGpuTaint?: boolean;
    /**
     * Seconds a replica may take from start to `/health` answering: the startup probe's budget,
     * the Deployment's progress deadline and how long `pulumi up` waits for the rollout all follow it.
     * Big weights load slowly; raise it for 70B-class models. 30 to 2147483347 (the progress deadline,
     * this plus 300, is int32). Default 1800.
     */
    startupTimeoutSeconds?: number;

    // --- Upgrades (a canary: `npm run upgrade` sets and removes these) -----------------

    /**
     * Image of a canary: a second Deployment `<name>-canary` of `canaryReplicas` pods beside the stable
     * ones, carrying the Service's selector labels (so it serves traffic) and `app.kubernetes.io/track:
     * canary` (stable pods: `stable`), outside the HPA. Same grammar as `image` (pinned). `pulumi up`
     * does not wait for it to be Ready (`npm run upgrade` does, within `startupTimeoutSeconds`).
     * Default none: no canary.
     */
    canaryImage?: string;
    /** Model revision of the canary's pods (`--revision`), pinned like `modelRevision`. Needs `canaryImage`. Default: `modelRevision`. */
    canaryModelRevision?: string;
    /** Pods of the canary Deployment, 1 to 8; ignored without `canaryImage`. Default 1. */
    canaryReplicas?: number;

    // --- Secrets --------------------------------------------------------------------

    /**
     * Hugging Face token for gated models; stored in a Secret and mounted as `HF_TOKEN` and
     * `HUGGING_FACE_HUB_TOKEN`. Set it with `pulumi config set --secret hfToken`; blank or
     * whitespace-padded values are refused. Default none (public models).
     */
    hfToken?: pulumi.Input<string>;
    /** Use this existing Secret for the Hugging Face token instead of creating one. Default none. */
    hfTokenSecretName?: string;
    /** Key inside the token Secret (a Secret data key: `[-._a-zA-Z0-9]`, at most 253, not `.`/`..`). Default `token`. */
    hfTokenSecretKey?: string;
    /** Protect the OpenAI endpoint with an API key (`VLLM_API_KEY`), exported as a secret output. Default `true`. */
    apiKeyEnabled?: boolean;
    /**
     * The API key to use, e.g. one your gateway already holds (`pulumi config set --secret apiKey`).
     * Blank or whitespace-padded values are refused (vLLM treats an empty key as no authentication).
     * Default: a random 48-character key generated once and kept in state (encrypted).
     */
    apiKey?: pulumi.Input<string>;

    // --- Network --------------------------------------------------------------------

    /**
     * Create a NetworkPolicy that admits traffic to port 8000 only from `allowedNamespaces`,
     * `allowedPodSelectors` and `monitoringNamespace`. vLLM 0.11 checks the API key only under `/v1`:
     * `/invocations`, `/pooling`, `/score`, `/tokenize`... answer anyone who reaches the port.
     * Enforced only by a CNI that implements NetworkPolicy. Default `true`.
     */
    networkPolicyEnabled?: boolean;
    /** Namespaces whose pods may call the server (matched by their `kubernetes.io/metadata.name` label). Default none. */
    allowedNamespaces?: string[];
    /**
     * Pods of the service's own namespace that may call the server, each a map of labels they must
     * all carry, e.g. `[{"app": "gateway"}]`. Default none: other pods of the namespace are refused too.
     */
    allowedPodSelectors?: { [key: string]: string }[];
    /** Namespace of the Prometheus that scrapes `/metrics`, admitted to port 8000. Default `monitoring`. */
    monitoringNamespace?: string;

    // --- Metrics and autoscaling ----------------------------------------------------

    /** Create a Prometheus Operator ServiceMonitor for `/metrics`. Default `true`; turn off without the operator. */
    serviceMonitorEnabled?: boolean;
    /** Labels your Prometheus selects ServiceMonitors (and PrometheusRules) by. Default `{release: kube-prom}`. */
    serviceMonitorLabels?: { [key: string]: string };
    /** Scrape interval, as the Prometheus Operator's CRD accepts it: units largest first, each once (`1m30s`, not `30s1m`). Default `15s`. */
    scrapeInterval?: string;
    /** Create the HPA on `vllm:num_requests_waiting`. Default `true`. */
    autoscalingEnabled?: boolean;
    /** Replicas when autoscaling is off. Ignored when it is on (the HPA owns the count). Default 1. */
    replicas?: number;
    /** HPA lower bound. Default 1. */
    minReplicas?: number;
    /** HPA upper bound. Default 8. */
    maxReplicas?: number;
    /** Target waiting requests per replica (HPA `averageValue`). Default 5. */
    queueTarget?: number;
    /** Pods added at most per scale-up period. Default 2. */
    scaleUpPods?: number;
    /** Scale-up policy period in seconds. Default 60. */
    scaleUpPeriodSeconds?: number;
    /** Scale-up stabilization window in seconds. Default 0: react to a queue at once. */
    scaleUpStabilizationSeconds?: number;
    /** Pods removed at most per scale-down period. Default 1. */
    scaleDownPods?: number;
    /** Scale-down policy period in seconds. Default 120. */
    scaleDownPeriodSeconds?: number;
    /** Scale-down stabilization window in seconds. Default 300: cold starts reload weights, so never thrash. */
    scaleDownStabilizationSeconds?: number;
}
