/**
 * `npm run upgrade -- --stack NAME --rollback`: removes a canary an earlier upgrade left (Ctrl-C,
 * a crash, an unfinished run), through the config and `pulumi up`, clearing pending operations first.
 */
import { PulumiWorkspace } from "../scripts/pulumi-workspace";
import { TrackPods } from "./canaryPods";
import { UpgradeInputError } from "./request";
import { rollBack } from "./stackChanges";
import { readStackFacts } from "./stackFacts";

export async function runRollback(stack: string, ws: PulumiWorkspace, kubeconfig: string, log: (l: string) => void): Promise<{ removed: boolean; seconds: number }> {
    if (!(await ws.hasStack(stack))) throw new UpgradeInputError(`no stack ${stack} in this workspace; nothing changed`);
    await ws.selectStack(stack);
    const facts = await readStackFacts(ws);
    const pods = new TrackPods(kubeconfig, facts.namespace, facts.name);
    const existed = facts.canaryImage !== undefined || (await pods.canaryExists());
    const t0 = Date.now();
    if (!existed) {
        log(`upgrade: stack ${stack} has no canary; nothing to roll back`);
        return { removed: false, seconds: 0 };
    }
    log(`upgrade: rolling back the canary of stack ${stack} (canaryImage ${facts.canaryImage ?? "unset"}); the stack keeps ${facts.image}`);
    await rollBack(ws);
    if (await pods.canaryExists()) {
        // A create interrupted before Pulumi recorded it, dropped from the state by the refresh: not the stack's any more.
        throw new Error(`Deployment ${facts.namespace}/${pods.canaryDeployment} is still in the cluster but not in the stack's state (an interrupted create); delete it: kubectl -n ${facts.namespace} delete deployment ${pods.canaryDeployment}`);
    }
    const seconds = (Date.now() - t0) / 1000;
    log(`upgrade: canary removed in ${seconds.toFixed(1)} s`);
    return { removed: true, seconds };
}
