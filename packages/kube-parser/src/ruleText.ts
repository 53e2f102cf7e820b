/**
 * The constant parts of the vLLM rules' messages and the GPU-utilization metric patterns, in one
 * place for the two enforcement points that word them: the policy pack (policy/policies, also run
 * by check-manifests) and the admission policies (components/admission, CEL run by the API server). A
 * message changed here changes in both; the admission parity test compares them.
 *
 * Plain strings only: the admission policies turn them into CEL string literals and RE2 patterns.
 */

/** vllm-image-pinned: how to fix an unpinned image. */
export const IMAGE_PIN_FIX = "Pin an exact version tag (e.g. vllm/vllm-openai:v0.11.0) or a digest (@sha256:...)";
/** vllm-image-pinned with requireDigest: how to fix an image that is not pinned by digest. */
export const IMAGE_DIGEST_FIX = "Pin it by digest (image@sha256:<64 hex>)";

/** hpa-no-gpu-utilization: what an HPA should scale on instead. */
export const HPA_SCALE_INSTEAD =
    "Scale on queue depth instead: a Pods metric vllm:num_requests_waiting with an AverageValue target (e.g. 5), " +
    "served by prometheus-adapter from vLLM's /metrics.";
/** hpa-no-gpu-utilization: what a KEDA ScaledObject should scale on instead. */
export const KEDA_SCALE_INSTEAD = "Scale on queue depth instead: a prometheus trigger with query sum(vllm:num_requests_waiting{...}) and a per-replica threshold (e.g. 5).";

/**
 * GPU-utilization metric names, by exporter, as case-insensitive patterns that mean the same in
 * JavaScript and RE2 (no lookaround, no backreferences). Deliberately narrow: GPU-adjacent signals
 * that are not utilization (`vllm:gpu_cache_usage_perc`, `DCGM_FI_DEV_FB_USED`) do not match.
 */
export const GPU_UTILIZATION_PATTERN_SOURCES: readonly string[] = [
    "DCGM_FI_DEV_GPU_UTIL", // DCGM exporter
    "DCGM_FI_DEV_MEM_COPY_UTIL",
    "DCGM_FI_PROF_(GR_ENGINE_ACTIVE|SM_ACTIVE|SM_OCCUPANCY)", // DCGM profiling metrics
    "(gpu|accelerator)[\\W_]*duty[\\W_]?cycle", // GKE: nvidia_gpu_duty_cycle, container/accelerator/duty_cycle
    "gpu[_\\-.: ]?util", // gpu_utilization, gpu_util, GPUUtilization
    "utili[sz]ation[_\\-.]?gpu", // nvidia-smi exporter: nvidia_smi_utilization_gpu_ratio
    "gpu[_\\-]?busy", // AMD: gpu_busy_percent
    "gpu_gfx_activity", // AMD device-metrics-exporter
];
/** Characters of the identifier around a pattern's match that a message quotes (`DCGM_FI_DEV_GPU_UTIL`). */
export const METRIC_IDENTIFIER_CHARS = "[\\w:.|/-]";

/** vllm-shm-size: what the runtime gives a container that mounts nothing at /dev/shm. */
export const SHM_NOTHING_MOUNTED = "mounts nothing at /dev/shm (the container runtime's default is 64Mi)";
/** vllm-shm-size: the size a fix suggests (the recipe's). */
export const SHM_SUGGESTED_SIZE = "16Gi";

/** vllm-tp-matches-gpus: how a server without a tensor-parallel flag is described. */
export const TP_DEFAULT_DESCRIPTION = "tensor-parallel size 1 (no --tensor-parallel-size flag)";
/** vllm-tp-matches-gpus: why a GPU build without GPUs is wrong. */
export const TP_GPU_BUILD_NO_GPU = "is vLLM's GPU build, which stops at start-up when it finds no GPU";
/** vllm-tp-matches-gpus: the fix for a LeaderWorkerSet whose group has the wrong number of GPUs. */
export const TP_GROUP_FIX =
    "Make size x GPUs per pod equal tensor-parallel x pipeline-parallel size (e.g. --pipeline-parallel-size = size, --tensor-parallel-size = GPUs per pod).";
/** vllm-tp-matches-gpus: the end of the message about an ambiguous flag abbreviation (`-d`). */
export const AMBIGUOUS_ABBREVIATION_TAIL = "argparse refuses it and vLLM exits at start-up. Write the flag in full.";
/**
 * vllm-tp-matches-gpus: why a server on an image that is not one of vLLM's, with no GPU, is wrong
 * (after `it runs vLLM (<how>) on image "<image>", which is not one of vLLM's images; `).
 */
export const TP_PIP_GPU_BUILD =
    "vLLM as pip installs it is the GPU build, which stops at start-up when it finds no GPU, unless the image holds vLLM's CPU build (then set the env VLLM_TARGET_DEVICE=cpu, which tells this check so)";
/**
 * vllm-image-pinned: one part of an image (the whole reference, a path segment or the tag) that
 * stands in for an image in docs and templates: `IMAGE_NAME`, `<pinned-tag>`, `replace-me`.
 */
export const IMAGE_PLACEHOLDER_PART = "^(?:[A-Z][A-Z_]*|<[^<>]*>|(?:replace|change)[-_]?me|your[-_][a-z0-9_-]+|placeholder|todo|tbd)$";
