/**
 * Every command-line flag vLLM 0.11's OpenAI server accepts, so the simulator rejects exactly
 * what vLLM rejects (argparse: "unrecognized arguments", exit code 2).
 *
 * Where the list comes from (read, not copied), vLLM 0.11 release line:
 * - `vllm/entrypoints/openai/cli_args.py`: `make_arg_parser` (positional `model_tag`,
 *   `--headless`, `--api-server-count/-asc`, `--config`) and `FrontendArgs` (every dataclass
 *   field becomes `--field-name`; bool fields get `argparse.BooleanOptionalAction`, i.e. also
 *   `--no-field-name`).
 * - `vllm/engine/arg_utils.py`: `EngineArgs.add_cli_args` (ModelConfig, LoadConfig,
 *   StructuredOutputsConfig, ParallelConfig, CacheConfig, MultiModalConfig, LoRAConfig,
 *   ObservabilityConfig, SchedulerConfig, CompilationConfig and VllmConfig groups, plus
 *   `--disable-log-stats`, `--aggregate-engine-logging`) and `AsyncEngineArgs.add_cli_args`
 *   (`--enable-log-requests`, `--disable-log-requests`).
 * The copies read were of the 0.11.x line (0.11.0 is commit b8b302c); a handful of flags that
 * 0.11.1 added (`--tokens-only`, `--h11-*`) are accepted too. Flags of vLLM forks are not.
 */

/** How argparse consumes a flag. */
export type FlagKind =
    /** `BooleanOptionalAction`: `--x` and `--no-x`, no value. */
    | "bool"
    /** `store_true`: `--x` only, no value. */
    | "true"
    /** One value (`--x v` or `--x=v`); the last occurrence wins. */
    | "value"
    /** `nargs="+"`: one or more values (`--x a b`), the last occurrence wins. */
    | "values"
    /** `nargs="?"` with a const (`--hf-token` alone means "use the cached token"). */
    | "optional"
    /** `action="append"`: every occurrence adds one value. */
    | "append"
    /** A JSON config: one value, also settable key by key (`--x.key v`). */
    | "json";

const BOOL = [
    // ModelConfig
    "trust-remote-code", "enforce-eager", "disable-sliding-window", "disable-cascade-attn", "skip-tokenizer-init",
    "enable-prompt-embeds", "enable-sleep-mode",
    // LoadConfig
    "use-tqdm-on-load",
    // ParallelConfig
    "data-parallel-hybrid-lb", "enable-expert-parallel", "enable-dbo", "disable-nccl-for-dp-synchronization", "enable-eplb",
    "eplb-log-balancedness", "ray-workers-use-nsight", "disable-custom-all-reduce",
    // CacheConfig
    "enable-prefix-caching", "calculate-kv-scales", "kv-sharing-fast-prefill",
    // MultiModalConfig
    "enable-mm-embeds", "interleave-mm-strings", "skip-mm-profiling",
    // LoRAConfig
    "enable-lora", "fully-sharded-loras",
    // SchedulerConfig
    "enable-chunked-prefill", "disable-chunked-mm-input", "disable-hybrid-kv-cache-manager", "async-scheduling",
    // AsyncEngineArgs
    "enable-log-requests", "disable-log-requests",
    // FrontendArgs
    "disable-uvicorn-access-log", "allow-credentials", "trust-request-chat-template", "enable-ssl-refresh",
    "return-tokens-as-token-ids", "disable-frontend-multiprocessing", "enable-request-id-headers", "enable-auto-tool-choice",
    "exclude-tools-when-tool-choice-none", "disable-fastapi-docs", "enable-prompt-tokens-details", "enable-server-load-tracking",
    "enable-force-include-usage", "enable-tokenizer-info-endpoint", "enable-log-outputs", "log-error-stack", "tokens-only",
];

const STORE_TRUE = [
    "headless", "disable-log-stats", "aggregate-engine-logging", "enable-multimodal-encoder-data-parallel",
    "disable-mm-preprocessor-cache",
];

const VALUE = [
    // make_arg_parser
    "api-server-count", "config",
    // ModelConfig
    "model", "runner", "convert", "task", "tokenizer", "tokenizer-mode", "dtype", "seed", "hf-config-path",
    "allowed-local-media-path", "revision", "code-revision", "rope-scaling", "rope-theta", "tokenizer-revision",
    "max-model-len", "quantization", "max-logprobs", "logprobs-mode", "config-format", "hf-overrides", "pooler-config",
    "override-pooler-config", "logits-processor-pattern", "generation-config", "override-generation-config", "model-impl",
    "override-attention-dtype", "io-processor-plugin",
    // LoadConfig
    "load-format", "download-dir", "safetensors-load-strategy", "model-loader-extra-config", "pt-load-map-location",
    // StructuredOutputsConfig (the guided-decoding ones are deprecated, type=bool/str with a value)
    "reasoning-parser", "guided-decoding-backend", "guided-decoding-disable-fallback",
    "guided-decoding-disable-any-whitespace", "guided-decoding-disable-additional-properties",
    // ParallelConfig
    "distributed-executor-backend", "pipeline-parallel-size", "tensor-parallel-size", "decode-context-parallel-size",
    "data-parallel-size", "data-parallel-rank", "data-parallel-start-rank", "data-parallel-size-local",
    "data-parallel-address", "data-parallel-rpc-port", "data-parallel-backend", "all2all-backend",
    "dbo-decode-token-threshold", "dbo-prefill-token-threshold", "expert-placement-strategy", "num-redundant-experts",
    "eplb-window-size", "eplb-step-interval", "max-parallel-loading-workers", "worker-cls", "worker-extension-cls",
    // CacheConfig
    "block-size", "gpu-memory-utilization", "kv-cache-memory-bytes", "swap-space", "kv-cache-dtype",
    "num-gpu-blocks-override", "prefix-caching-hash-algo", "cpu-offload-gb", "mamba-cache-dtype", "mamba-ssm-cache-dtype",
    "mamba-block-size",
    // MultiModalConfig
    "mm-processor-cache-gb", "mm-processor-cache-type", "mm-shm-cache-max-object-size-mb", "mm-encoder-tp-mode",
    "mm-encoder-attn-backend", "video-pruning-rate",
    // LoRAConfig
    "max-loras", "max-lora-rank", "lora-extra-vocab-size", "lora-dtype", "max-cpu-loras",
    // ObservabilityConfig
    "show-hidden-metrics-for-version", "otlp-traces-endpoint", "collect-detailed-traces",
    // SchedulerConfig
    "max-num-batched-tokens", "max-num-seqs", "max-num-partial-prefills", "max-long-partial-prefills",
    "long-prefill-token-threshold", "num-lookahead-slots", "scheduling-policy", "scheduler-cls",
    // CompilationConfig
    "max-cudagraph-capture-size",
    // FrontendArgs
    "host", "port", "uds", "uvicorn-log-level", "allowed-origins", "allowed-methods", "allowed-headers", "chat-template",
    "chat-template-content-format", "response-role", "ssl-keyfile", "ssl-certfile", "ssl-ca-certs", "ssl-cert-reqs",
    "root-path", "tool-call-parser", "tool-parser-plugin", "tool-server", "log-config-file", "max-log-len",
    "h11-max-incomplete-event-size", "h11-max-header-count",
];

const VALUES = [
    "served-model-name", "allowed-media-domains", "logits-processors", "ignore-patterns", "cudagraph-capture-sizes",
    "cuda-graph-sizes", "api-key", "lora-modules",
];

/** Dataclass-typed configs: JSON, or key by key with `--flag.key value` (FlexibleArgumentParser). */
const JSON_FLAGS = [
    "speculative-config", "kv-transfer-config", "kv-events-config", "compilation-config", "additional-config",
    "structured-outputs-config", "eplb-config", "limit-mm-per-prompt", "media-io-kwargs", "mm-processor-kwargs",
    "default-mm-loras",
];

/** Long name of every vLLM flag -> how it is consumed. */
export const VLLM_FLAGS: ReadonlyMap<string, FlagKind> = new Map<string, FlagKind>([
    ...BOOL.map((f) => [f, "bool"] as const),
    ...STORE_TRUE.map((f) => [f, "true"] as const),
    ...VALUE.map((f) => [f, "value"] as const),
    ...VALUES.map((f) => [f, "values"] as const),
    ...JSON_FLAGS.map((f) => [f, "json"] as const),
    ["hf-token", "optional"],
    ["middleware", "append"],
]);

/** vLLM's short aliases (argparse accepts multi-letter single-dash options). */
export const VLLM_SHORT: ReadonlyMap<string, string> = new Map([
    ["-asc", "api-server-count"],
    ["-q", "quantization"],
    ["-pp", "pipeline-parallel-size"],
    ["-tp", "tensor-parallel-size"],
    ["-dcp", "decode-context-parallel-size"],
    ["-dp", "data-parallel-size"],
    ["-dpn", "data-parallel-rank"],
    ["-dpr", "data-parallel-start-rank"],
    ["-dpl", "data-parallel-size-local"],
    ["-dpa", "data-parallel-address"],
    ["-dpp", "data-parallel-rpc-port"],
    ["-dpb", "data-parallel-backend"],
    ["-O", "compilation-config"],
]);
