/**
 * Before anything is created: the request is valid (same pin grammar as the component), the stack
 * exists and is deployed, it does not already run the requested version, and no canary of an
 * earlier (interrupted or unfinished) upgrade is left, in the config or in the cluster.
 */
import { PulumiWorkspace } from "../scripts/pulumi-workspace";
import { TrackPods } from "./canaryPods";
import { requestProblems, UpgradeInputError, UpgradeRequest } from "./request";
import { readStackFacts, StackFacts } from "./stackFacts";

/** A canary is still there: say so and how to remove it. */
export class CanaryExistsError extends Error {}

export function rollbackHint(stack: string): string {
    return `npm run upgrade -- --stack ${stack} --rollback`;
}

export async function preflight(req: UpgradeRequest, ws: PulumiWorkspace, kubeconfig: string): Promise<{ facts: StackFacts; pods: TrackPods }> {
    const problems = requestProblems(req);
    if (problems.length > 0) throw new UpgradeInputError(`nothing changed; fix these:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    if (!(await ws.hasStack(req.stack))) throw new UpgradeInputError(`no stack ${req.stack} in this workspace; nothing changed`);
    await ws.selectStack(req.stack);
    const facts = await readStackFacts(ws);
    const pods = new TrackPods(kubeconfig, facts.namespace, facts.name);
    if (facts.canaryImage !== undefined || (await pods.canaryExists())) {
        throw new CanaryExistsError(
            `a canary of an earlier upgrade is still there (canaryImage ${facts.canaryImage ?? "unset, but Deployment " + pods.canaryDeployment + " exists"}); ` +
                `nothing changed. Remove it with \`${rollbackHint(req.stack)}\`, then upgrade again.`,
        );
    }
    if (req.image === facts.image && (req.modelRevision === undefined || req.modelRevision === facts.modelRevision)) {
        throw new UpgradeInputError(`stack ${req.stack} already runs ${req.image}${req.modelRevision ? ` at ${req.modelRevision}` : ""}; nothing changed`);
    }
    return { facts, pods };
}
