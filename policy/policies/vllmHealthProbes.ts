import type { ResourceValidationPolicy } from "@pulumi/policy";
import { containerLabel, containersOf, vllmServer } from "@vllm-pulumi/kube-parser";
import { objectOf } from "./util";

const HEALTH = "/health";

/** What a probe checks, for messages: `httpGet /v1/models`, `tcpSocket`, ... */
function probeTarget(probe: any): string {
    if (probe?.httpGet) return `httpGet ${probe.httpGet.path ?? "/"}`;
    if (probe?.exec) return "exec";
    if (probe?.tcpSocket) return "tcpSocket";
    if (probe?.grpc) return "grpc";
    return "no handler";
}

/** True when the probe asks vLLM's /health (an HTTP GET, or an exec that curls it). */
function checksHealth(probe: any): boolean {
    if (typeof probe?.httpGet?.path === "string") {
        return probe.httpGet.path.split("?")[0] === HEALTH;
    }
    const command = probe?.exec?.command;
    return Array.isArray(command) && command.some((c: unknown) => typeof c === "string" && c.includes(HEALTH));
}

/**
 * Without a readiness probe on /health, the Service sends requests to a pod that is still
 * loading weights; without a liveness probe, a wedged engine is never restarted.
 */
export const vllmHealthProbes: ResourceValidationPolicy = {
    name: "vllm-health-probes",
    description: "A vLLM server container must have readiness and liveness probes on /health.",
    enforcementLevel: "advisory",
    remediationSteps:
        "Add readinessProbe and livenessProbe with httpGet { path: /health, port: 8000 }; give large models a startupProbe " +
        "(or a long initialDelaySeconds) so weight loading never trips the liveness probe.",
    validateResource: (args, reportViolation) => {
        const obj = objectOf(args);
        if (!obj) return;
        for (const ref of containersOf(obj)) {
            const server = vllmServer(ref.container);
            // A --headless data-parallel worker serves no HTTP at all: nothing to probe.
            if (ref.list !== "containers" || !server || server.args.includes("--headless")) continue;
            for (const kind of ["readinessProbe", "livenessProbe"]) {
                const probe = ref.container[kind];
                if (!probe) {
                    reportViolation(`${containerLabel(ref)} has no ${kind}. Add ${kind}: httpGet { path: ${HEALTH}, port: 8000 }.`);
                } else if (!checksHealth(probe)) {
                    reportViolation(`${containerLabel(ref)}: ${kind} uses ${probeTarget(probe)}, not ${HEALTH}. Point it at httpGet { path: ${HEALTH} }.`);
                }
            }
        }
    },
};
