/**
 * What counts as "a vLLM container". Precise on purpose: other GPU servers (Triton, even
 * with its vLLM backend; TGI; SGLang) must never be flagged by the vLLM rules.
 *
 * - A vLLM image: the repository's last path segment is `vllm` (e.g. `rocm/vllm`),
 *   `vllm-openai` or `vllm-cpu` (optionally `-<variant>`), on any registry or mirror, or any
 *   repository of the `vllm` organisation on Docker Hub (`vllm/vllm-openai`, `vllm/vllm-tpu`).
 * - A vLLM server: the container runs `vllm serve ...` or `python -m vllm.entrypoints.<...>`
 *   (e.g. `vllm.entrypoints.openai.api_server`), in `command`/`args` or in a `sh -c` script;
 *   or it runs a vLLM image without overriding `command`, so the image's entrypoint (the
 *   OpenAI server) gets `args`.
 *
 * Image rules (pinning) apply to vLLM images; server rules (TP/GPU, /dev/shm, probes) apply
 * to vLLM servers.
 */
import { basename, commandTokens, EnvLookup, SHELL_OPERATORS } from "./flags";
import { parseImageRef } from "./image";

/** True when the image is a vLLM image (see the module comment). */
export function isVllmImage(image: unknown): boolean {
    if (typeof image !== "string" || !image.trim()) {
        return false;
    }
    const ref = parseImageRef(image);
    const segments = ref.repository.toLowerCase().split("/");
    const last = segments[segments.length - 1];
    const dockerHub = ref.registry === undefined || ref.registry === "docker.io" || ref.registry === "index.docker.io";
    return last === "vllm" || /^vllm-(openai|cpu)(-[a-z0-9]+)*$/.test(last) || (dockerHub && segments.length === 2 && segments[0] === "vllm");
}

/**
 * True when the container runs vLLM's CPU build, which needs no GPU: a CPU image
 * (`vllm-cpu-release-repo`, `vllm/vllm-openai-cpu`, `...:v0.11.0-cpu`), `--device cpu` (older
 * releases), `VLLM_TARGET_DEVICE=cpu`, or the CPU backend's own `VLLM_CPU_*` settings.
 */
export function isVllmCpuBuild(container: any): boolean {
    if (typeof container?.image === "string") {
        const ref = parseImageRef(container.image);
        const last = ref.repository.toLowerCase().split("/").pop() ?? "";
        if (/(^|[-_])cpu([-_]|$)/.test(last) || /(^|[-_.])cpu([-_.]|$)/i.test(ref.tag ?? "")) return true;
    }
    const env: any[] = Array.isArray(container?.env) ? container.env : [];
    if (env.some(e => typeof e?.name === "string" && (e.name.startsWith("VLLM_CPU_") || (e.name === "VLLM_TARGET_DEVICE" && e.value === "cpu")))) return true;
    const tokens = containerTokens(container);
    return tokens.some((t, i) => t === "--device=cpu" || (t === "--device" && tokens[i + 1] === "cpu"));
}

/** Where the vLLM server's own arguments start in a token list, or -1 when it is not invoked. */
export function vllmInvocation(tokens: readonly string[]): number {
    for (let i = 0; i + 1 < tokens.length; i++) {
        if (basename(tokens[i]) === "vllm" && tokens[i + 1] === "serve") {
            return i + 2;
        }
        if (tokens[i] === "-m" && tokens[i + 1].startsWith("vllm.entrypoints.")) {
            return i + 2;
        }
    }
    return -1;
}

/** A container that runs the vLLM server. */
export interface VllmServer {
    /** How it was recognised. */
    evidence: "vllm serve" | "python -m vllm.entrypoints" | "image entrypoint";
    /** The server's arguments: from the invocation to the end of that shell command. */
    args: string[];
}

/** Reads a container's literal env values lazily (only the names a command line references). */
export function envOf(container: any): EnvLookup {
    return name => {
        const env = container?.env;
        if (!Array.isArray(env)) {
            return undefined;
        }
        for (let i = env.length - 1; i >= 0; i--) {
            if (env[i]?.name === name) {
                return typeof env[i].value === "string" ? env[i].value : undefined;
            }
        }
        return undefined;
    };
}

/** The container's argv as far as the manifest tells (see `commandTokens`). */
export function containerTokens(container: any): string[] {
    return commandTokens(container?.command, container?.args, envOf(container));
}

/** The vLLM server a container runs, or undefined when it runs none. */
export function vllmServer(container: any): VllmServer | undefined {
    if (!container || typeof container !== "object") return findServer(container);
    // Several policies ask about the same container: tokenise its command line once.
    if (!SERVERS.has(container)) SERVERS.set(container, findServer(container));
    return SERVERS.get(container);
}

const SERVERS = new WeakMap<object, VllmServer | undefined>();

function findServer(container: any): VllmServer | undefined {
    const tokens = containerTokens(container);
    const start = vllmInvocation(tokens);
    if (start >= 0) {
        let end = start;
        while (end < tokens.length && !SHELL_OPERATORS.has(tokens[end])) end++;
        const evidence = tokens[start - 2] === "-m" ? "python -m vllm.entrypoints" : "vllm serve";
        return { evidence, args: tokens.slice(start, end) };
    }
    const command = container?.command;
    const overridden = Array.isArray(command) && command.length > 0;
    if (!overridden && isVllmImage(container?.image)) {
        return { evidence: "image entrypoint", args: tokens };
    }
    return undefined;
}

/** True when the container uses a vLLM image or runs the vLLM server. */
export function isVllmContainer(container: any): boolean {
    return isVllmImage(container?.image) || vllmServer(container) !== undefined;
}
