/**
 * fast-check generators of VllmService args that must be valid: shared by the property tests
 * (mocks, policy pack) and the server-side dry-run against the local API server.
 */
import fc from "fast-check";
import { VllmServiceArgs } from "../../components/args";

/** A DNS-1123 label of 1..20 characters. */
export const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?$/);
/** A DNS-1035 label (Service names) short enough for every derived name. */
export const dns1035 = fc.stringMatching(/^[a-z]([-a-z0-9]{0,18}[a-z0-9])?$/);
/** A DNS-1123 subdomain of up to three labels. */
export const subdomain = fc.array(dnsLabel, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("."));
/** A label name part or non-empty label value. */
export const qualifiedName = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,20}[A-Za-z0-9])?$/);
export const labelKey = fc.oneof(qualifiedName, fc.tuple(subdomain, qualifiedName).map(([p, n]) => `${p}/${n}`));
export const labelValue = fc.oneof(fc.constant(""), qualifiedName);
/** Keys under app.kubernetes.io are the component's own selector labels. */
export const labels = fc.dictionary(labelKey.filter((k) => !k.startsWith("app.kubernetes.io/")), labelValue, { maxKeys: 3 });

const UNITS = ["y", "w", "d", "h", "m", "s", "ms"] as const;
/** A non-zero duration the Operator's pattern accepts: units in order, each at most once. */
export const duration = fc.subarray([...UNITS], { minLength: 1 }).chain((units) =>
    fc.tuple(...units.map((u) => fc.integer({ min: 1, max: u === "y" ? 100 : 999 }).map((n) => `${n}${u}`))).map((parts) => parts.join("")));

/** A positive quantity as users write them. */
export const quantity = fc.oneof(
    fc.integer({ min: 1, max: 512 }).chain((n) => fc.constantFrom(`${n}Gi`, `${n}Mi`, `${n}G`, `${n}`, `${n * 100}m`)),
    fc.constantFrom("1.5", "0.5", "2e3", "16Gi"),
);

/** Any valid args: every field drawn within its valid range, optional ones sometimes left out. */
export const validArgs: fc.Arbitrary<VllmServiceArgs> = fc.record({
    name: dns1035,
    namespace: dnsLabel,
    labels,
    image: fc.constantFrom("vllm/vllm-openai:v0.11.0", "registry.example.com:5000/vllm/vllm-openai:v0.11.0_cu128",
        `vllm/vllm-openai@sha256:${"ab".repeat(32)}`),
    model: fc.constantFrom("Qwen/Qwen2.5-0.5B-Instruct", "/models/llama"),
    modelRevision: fc.stringMatching(/^[a-f0-9]{40}$/),
    servedModelName: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,30}$/),
    tensorParallelSize: fc.constantFrom(1, 2, 4, 8),
    pipelineParallelSize: fc.constantFrom(1, 2),
    maxModelLen: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    gpuMemoryUtilization: fc.double({ min: 0.01, max: 1, noNaN: true }),
    extraArgs: fc.subarray(["--enable-prefix-caching", "--dtype=bfloat16", "--max-num-seqs=64", "--disable-log-requests"]),
    shmSizeLimit: fc.integer({ min: 2, max: 64 }).map((n) => `${n}Gi`),
    cpuRequest: quantity,
    memory: quantity,
    nodeSelector: labels,
    tolerateGpuTaint: fc.boolean(),
    startupTimeoutSeconds: fc.integer({ min: 30, max: 2 ** 31 - 1 - 300 }),
    hfTokenSecretName: subdomain,
    hfTokenSecretKey: fc.stringMatching(/^[-._a-zA-Z0-9]{1,30}$/).filter((k) => k !== "." && !k.startsWith("..")),
    apiKeyEnabled: fc.boolean(),
    networkPolicyEnabled: fc.boolean(),
    allowedNamespaces: fc.array(dnsLabel, { maxLength: 3 }),
    allowedPodSelectors: fc.array(fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys: 2 }), { maxLength: 2 }),
    monitoringNamespace: dnsLabel,
    serviceMonitorEnabled: fc.boolean(),
    serviceMonitorLabels: labels,
    scrapeInterval: duration,
    autoscalingEnabled: fc.boolean(),
    replicas: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    minReplicas: fc.integer({ min: 1, max: 8 }),
    maxReplicas: fc.integer({ min: 8, max: 2 ** 31 - 1 }),
    queueTarget: fc.double({ min: 0.001, max: 1000, noNaN: true }),
    scaleUpPods: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    scaleUpPeriodSeconds: fc.integer({ min: 1, max: 1800 }),
    scaleUpStabilizationSeconds: fc.integer({ min: 0, max: 3600 }),
    scaleDownPods: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    scaleDownPeriodSeconds: fc.integer({ min: 1, max: 1800 }),
    scaleDownStabilizationSeconds: fc.integer({ min: 0, max: 3600 }),
}, { requiredKeys: ["model", "modelRevision"] });
