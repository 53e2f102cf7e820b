/**
 * Which containers are vLLM servers (the parser package's one detector, the same the component
 * and the policy pack use), and the simulator command line that stands in for one. The simulator
 * takes vLLM's own flags, so the server's arguments are passed on as they are.
 */
import type { V1Container } from "@kubernetes/client-node";
import { vllmServer } from "@vllm-pulumi/kube-parser";

/**
 * Annotations `sim.vllm-pulumi.dev/<knob>: <value>` on the pod or its namespace become simulator
 * flags `--sim-<knob>=<value>`: test and demo settings, kept out of the stack's config.
 */
export const SIM_ANNOTATION_PREFIX = "sim.vllm-pulumi.dev/";

/** The server's flags (after `vllm serve` / `python -m vllm.entrypoints...`), or undefined when it runs no vLLM server. */
export function vllmServerFlags(container: V1Container): string[] | undefined {
    const server = vllmServer(container);
    return server && withPositionalModel(server.args);
}

/** `vllm serve MODEL --flags` -> `--model=MODEL --flags` (the simulator takes flags only). */
function withPositionalModel(flags: string[]): string[] {
    if (flags.length > 0 && !flags[0].startsWith("-")) return [`--model=${flags[0]}`, ...flags.slice(1)];
    return flags;
}

/**
 * Knobs for one image tag only: `sim.vllm-pulumi.dev/tag-<tag>.<knob>` (e.g. `tag-v0.11.2.prefill-ms-per-token`),
 * so a test can make one "release" slow or never Ready while the others behave.
 */
const TAG_SCOPED = "tag-";

function imageTag(image: string | undefined): string | undefined {
    const name = image?.split("@")[0] ?? "";
    const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
    return colon < 0 ? undefined : name.slice(colon + 1);
}

/** `[knob, value]` of the annotations that apply to a container of `image`; tag-scoped ones last (they win). */
function knobsFor(annotations: Record<string, string>, image: string | undefined): [string, string][] {
    const all: [string, string][] = [];
    const scoped: [string, string][] = [];
    for (const [k, v] of Object.entries(annotations).sort(([a], [b]) => a.localeCompare(b))) {
        if (!k.startsWith(SIM_ANNOTATION_PREFIX)) continue;
        const name = k.slice(SIM_ANNOTATION_PREFIX.length);
        if (!name.startsWith(TAG_SCOPED)) {
            all.push([name, v]);
            continue;
        }
        const dot = name.lastIndexOf(".");
        if (dot > TAG_SCOPED.length && name.slice(TAG_SCOPED.length, dot) === imageTag(image)) scoped.push([name.slice(dot + 1), v]);
    }
    return [...all, ...scoped];
}

/**
 * Simulator argv: the server's flags, bound to the pod's IP, the image it stands in for (its tag
 * picks the release's metric names, sim/catalogue.ts), then the pod's simulation knobs.
 */
export function simulatorArgs(flags: string[], podIP: string, annotations: Record<string, string> = {}, image?: string): string[] {
    const knobs = knobsFor(annotations, image).map(([k, v]) => `--sim-${k}=${v}`);
    // Last wins in argparse: the pod's IP, like vLLM listening on 0.0.0.0 inside the pod's network.
    return [...flags, `--host=${podIP}`, ...(image ? [`--sim-image=${image}`] : []), ...knobs];
}
