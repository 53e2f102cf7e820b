/**
 * Which containers are vLLM servers, and the simulator command line that stands in for one.
 * The simulator takes vLLM's own flags, so the container's command/args are passed on as they are,
 * after removing the launcher (`vllm serve`, `python -m vllm.entrypoints.openai.api_server`).
 */
import type { V1Container } from "@kubernetes/client-node";
import { parse as shellParse } from "shell-quote";

/**
 * Annotations `sim.vllm-pulumi.dev/<knob>: <value>` on the pod or its namespace become simulator
 * flags `--sim-<knob>=<value>`: test and demo settings, kept out of the stack's config.
 */
export const SIM_ANNOTATION_PREFIX = "sim.vllm-pulumi.dev/";

const API_SERVER_MODULE = "vllm.entrypoints.openai.api_server";

/** The container's argv as the image would run it, or undefined when it is not a vLLM server. */
export function vllmServerFlags(container: V1Container): string[] | undefined {
    let argv = [...(container.command ?? []), ...(container.args ?? [])];
    const shell = shellScript(argv);
    if (shell !== undefined) argv = shell;
    const serve = argv.findIndex((a, i) => isVllmBinary(a) && argv[i + 1] === "serve");
    if (serve >= 0) return withPositionalModel(argv.slice(serve + 2));
    const module = argv.findIndex((a, i) => a === "-m" && argv[i + 1] === API_SERVER_MODULE);
    if (module >= 0) return argv.slice(module + 2);
    // No command: the vllm/vllm-openai image's entrypoint is the API server, args are its flags.
    if (container.command === undefined && isVllmImage(container.image ?? "")) return withPositionalModel(argv);
    return undefined;
}

function isVllmBinary(a: string): boolean {
    return a === "vllm" || a.endsWith("/vllm");
}

/** The repository part names vLLM (vllm/vllm-openai, a mirror of it, rocm/vllm, ...). */
export function isVllmImage(image: string): boolean {
    const repo = image.split("@")[0].replace(/:[^/]*$/, "");
    return /(^|\/)vllm[^/]*$/.test(repo) || /(^|\/)vllm(\/|$)/.test(repo);
}

/** `sh -c "vllm serve ..."`: the script's words, when it is one simple command. */
function shellScript(argv: string[]): string[] | undefined {
    const c = argv.findIndex((a, i) => a === "-c" && i > 0 && /(^|\/)(ba)?sh$/.test(argv[i - 1]));
    if (c < 0 || argv[c + 1] === undefined) return undefined;
    const words = shellParse(argv[c + 1]).filter((w): w is string => typeof w === "string");
    const exec = words[0] === "exec" ? 1 : 0;
    return words.slice(exec);
}

/** `vllm serve MODEL --flags` -> `--model=MODEL --flags` (the simulator takes flags only). */
function withPositionalModel(flags: string[]): string[] {
    if (flags.length > 0 && !flags[0].startsWith("-")) return [`--model=${flags[0]}`, ...flags.slice(1)];
    return flags;
}

/** Simulator argv: the server's flags, bound to the pod's IP, then the pod's simulation knobs. */
export function simulatorArgs(flags: string[], podIP: string, annotations: Record<string, string> = {}): string[] {
    const knobs = Object.entries(annotations)
        .filter(([k]) => k.startsWith(SIM_ANNOTATION_PREFIX))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `--sim-${k.slice(SIM_ANNOTATION_PREFIX.length)}=${v}`);
    // Last wins in argparse: the pod's IP, like vLLM listening on 0.0.0.0 inside the pod's network.
    return [...flags, `--host=${podIP}`, ...knobs];
}
