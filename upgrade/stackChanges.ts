/**
 * The three config changes an upgrade makes, each followed by `pulumi up` (with the policy pack):
 * add the canary, complete (the new image becomes the stable one, the canary goes), roll back (the
 * canary goes, nothing else changes). Everything stays in the stack's config and state, so a plain
 * `pulumi up` converges to the same place and `--expect-no-changes` holds after either outcome.
 */
import { EngineEvent } from "@pulumi/pulumi/automation";
import { PulumiWorkspace } from "../scripts/pulumi-workspace";
import { CANARY_KEYS } from "./stackFacts";

/** `pulumi up` may take the rollout of every replica; the provider's own await is bounded by the stack's budget. */
const UP_TIMEOUT_MS = 60 * 60_000;

async function removeCanaryConfig(ws: PulumiWorkspace): Promise<void> {
    for (const key of CANARY_KEYS) {
        if (await ws.getConfig(key)) await ws.stack().removeConfig(key);
    }
}

export async function setCanary(ws: PulumiWorkspace, image: string, modelRevision: string | undefined): Promise<void> {
    await ws.setConfig("canaryImage", image);
    if (modelRevision !== undefined) await ws.setConfig("canaryModelRevision", modelRevision);
}

/** Policy warnings and the component's diagnostics of one operation, for the report. */
export function diagnostics(events: EngineEvent[]): string[] {
    const lines: string[] = [];
    for (const e of events) {
        if (e.policyEvent) lines.push(`policy ${e.policyEvent.policyName} (${e.policyEvent.enforcementLevel}): ${e.policyEvent.message.split("\n")[0]}`);
        if (e.diagnosticEvent && (e.diagnosticEvent.severity === "warning" || e.diagnosticEvent.severity === "error")) {
            const msg = e.diagnosticEvent.message.trim();
            if (!/pulumi-resource-kubernetes|resource plugin kubernetes is expected|will not show as a stack output/.test(msg)) lines.push(`${e.diagnosticEvent.severity}: ${msg.split("\n")[0]}`);
        }
    }
    return [...new Set(lines)];
}

export async function up(ws: PulumiWorkspace, onEvent?: (e: EngineEvent) => void): Promise<void> {
    await ws.up({ policyPack: true, onEvent, timeoutMs: UP_TIMEOUT_MS });
}

/** The new version becomes the stable one and the canary config goes, in one `pulumi up`. */
export async function complete(ws: PulumiWorkspace, image: string, modelRevision: string | undefined): Promise<void> {
    await ws.setConfig("image", image);
    if (modelRevision !== undefined) await ws.setConfig("modelRevision", modelRevision);
    await removeCanaryConfig(ws);
    await up(ws);
}

/** Whether the stack's state records operations an interrupted run left pending. */
async function hasPendingOperations(ws: PulumiWorkspace): Promise<boolean> {
    const state = JSON.parse((await ws.must(["stack", "export", "--stack", ws.stack().name])).stdout) as { deployment?: { pending_operations?: unknown[] } };
    return (state.deployment?.pending_operations ?? []).length > 0;
}

/**
 * The canary config goes and `pulumi up` removes the canary; the stable Deployment was never
 * touched. Only when an interrupted run left pending operations is the state refreshed first
 * (clearing pending creates): a refresh otherwise adopts server-side fields, and the next `up`
 * then "updates" the Service and waits on it while a crashing canary pod is still selected.
 */
export async function rollBack(ws: PulumiWorkspace): Promise<void> {
    await removeCanaryConfig(ws);
    if (await hasPendingOperations(ws)) {
        await ws.must(["refresh", "--yes", "--skip-preview", "--clear-pending-creates", "--stack", ws.stack().name], { timeoutMs: UP_TIMEOUT_MS });
    }
    await up(ws);
}
