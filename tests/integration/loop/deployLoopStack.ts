/**
 * Brings the loop stack up on a local environment through the real engine (the program, the
 * component, the policy pack) and gives prometheus-adapter exactly its adapterRules and
 * adapterSettings outputs: the state the elasticity tests start from, for other integration tests.
 */
import { AdapterTiming } from "@vllm-pulumi/kube-parser";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Environment } from "../../../env/environment";
import { PulumiWorkspace } from "../../../scripts/pulumi-workspace";
import { REPO_ROOT } from "../../../scripts/toolchain";
import { kubeClients } from "../../support/kube";
import { LOOP_NS, LOOP_STACK, loopStackYaml } from "./loopStack";

export interface LoopStackOutputs {
    namespace: string;
    serviceName: string;
    deploymentName: string;
    hpaName: string;
    adapterRules: string;
    adapterSettings: AdapterTiming;
}

export interface DeployedLoopStack {
    ws: PulumiWorkspace;
    outputs: LoopStackOutputs;
}

/** `pulumi up` of the loop stack in a workspace under `dir`, then the adapter configured from its outputs. */
export async function deployLoopStack(env: Environment, dir: string, overrides: Record<string, unknown> = {}): Promise<DeployedLoopStack> {
    kubeClients(env.kubeconfig, env.kubectl).apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: LOOP_NS } }]);
    const ws = new PulumiWorkspace({ dir, kubeconfig: env.kubeconfig });
    fs.writeFileSync(path.join(ws.projectDir, `Pulumi.${LOOP_STACK}.yaml`), loopStackYaml(overrides));
    await ws.selectStack(LOOP_STACK);
    await ws.setSecret("apiKey", `key-loop-${crypto.randomBytes(16).toString("hex")}`);
    await ws.must(["up", "--yes", "--skip-preview", "--policy-pack", path.join(REPO_ROOT, "policy")], { timeoutMs: 10 * 60_000 });
    const outputs = JSON.parse((await ws.must(["stack", "output", "--json"])).stdout) as LoopStackOutputs;
    env.configureAdapter(outputs.adapterRules, outputs.adapterSettings);
    return { ws, outputs };
}
