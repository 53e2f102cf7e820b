/**
 * `npm run demo`: the dev stack, for real. Starts the local control plane (unless KUBECONFIG
 * points at a cluster), runs `pulumi up` with the policy pack enforced on a local file backend,
 * prints the outputs and a tour. `npm run demo:down` destroys the stack and stops the plane.
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { clusterStatus, ensureClusterToolchain, startCluster, stopCluster } from "./local-cluster";
import { PulumiWorkspace } from "./pulumi-workspace";
import { REPO_ROOT, toolchainEnv } from "./toolchain";

const DEMO_DIR = path.join(REPO_ROOT, ".cache", "demo");
const CLUSTER_DIR = path.join(REPO_ROOT, ".cache", "cluster");
/** Where the demo remembers the cluster it used, so `demo:down` cleans up the same one. */
const KUBECONFIG_NOTE = path.join(DEMO_DIR, "kubeconfig-path");
const STACK = "dev";

function step(msg: string): void {
    console.error(`\n==> ${msg}`);
}

async function up(): Promise<void> {
    step("Toolchain (built from the Go module proxy on first use; see tools/README.md)");
    const env = toolchainEnv();

    let kubeconfig = process.env.KUBECONFIG;
    let kubectl = "kubectl";
    if (kubeconfig) {
        step(`Using your cluster: KUBECONFIG=${kubeconfig}`);
    } else {
        step("Starting the local control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok GPU nodes)");
        const binDirs = ensureClusterToolchain({ binDirs: (env.PATH ?? "").split(path.delimiter) });
        const cluster = await startCluster({ binDirs, stateDir: CLUSTER_DIR, reuse: true });
        kubeconfig = cluster.kubeconfig;
        kubectl = cluster.kubectl;
        console.error(cluster.reused ? "reusing the running local control plane" : `started in ${(cluster.startMs / 1000).toFixed(1)} s; nodes: ${cluster.nodes.join(", ")}`);
    }
    fs.mkdirSync(DEMO_DIR, { recursive: true });
    fs.writeFileSync(KUBECONFIG_NOTE, kubeconfig);

    const ws = new PulumiWorkspace({ dir: DEMO_DIR, kubeconfig, echo: true });
    await ws.selectStack(STACK);
    if ((await ws.getConfig("apiKey")) === undefined) {
        // The pulumi-random provider cannot be built from the module proxy here (tools/README.md),
        // so the demo supplies the API key itself instead of the component's RandomPassword.
        await ws.setSecret("apiKey", crypto.randomBytes(24).toString("base64url"));
    }
    if (process.env.HF_TOKEN) {
        // For gated models: taken from the environment, stored encrypted, never echoed.
        await ws.setSecret("hfToken", process.env.HF_TOKEN);
    }

    step(`pulumi up --stack ${STACK} --policy-pack policy (waits for the rollout)`);
    await ws.up({ policyPack: true, timeoutMs: 60 * 60_000 }); // with policy/config/dev.json

    step("Stack outputs (secrets stay hidden)");
    const outputs = JSON.parse((await ws.must(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
    for (const [k, v] of Object.entries(outputs)) {
        const text = typeof v === "string" ? v : JSON.stringify(v);
        // Multi-line outputs (the adapter rules) would drown the rest: name the command instead.
        console.log(`  ${k.padEnd(16)} ${text.includes("\n") ? `(${text.split("\n").length} lines: pulumi stack output ${k})` : text}`);
    }

    const ns = String(outputs.namespace);
    const kenv = { ...env, KUBECONFIG: kubeconfig };
    step(`kubectl -n ${ns} get deploy,svc,servicemonitor,hpa,secret`);
    console.log(execFileSync(kubectl, ["-n", ns, "get", "deploy,svc,servicemonitor,hpa,secret"], { env: kenv, encoding: "utf8" }));
    step(`kubectl -n ${ns} rollout status deploy/${outputs.deploymentName}`);
    console.log(execFileSync(kubectl, ["-n", ns, "rollout", "status", `deploy/${outputs.deploymentName}`, "--timeout=60s"], { env: kenv, encoding: "utf8" }));

    console.log(`
What you are looking at
  - The pods run on kwok-simulated GPU nodes: scheduled, Ready and behind the Service, but no
    container runs (no GPU, no model weights here). Point KUBECONFIG at a real GPU cluster to serve.
  - The policy pack ran on every resource of the stack. To see it refuse bad manifests:
    \`npm run --silent check-manifests -- tests/fixtures/tp-flag-two-items-mismatch.yaml\`
  - The stack lives in .cache/demo (project copy, file backend, passphrase file). To use the CLI on it:
    \`. tools/env.sh && cd .cache/demo/project && export PULUMI_BACKEND_URL=file://$PWD/../state
    PULUMI_CONFIG_PASSPHRASE_FILE=$PWD/../passphrase KUBECONFIG=${kubeconfig}\`, then e.g.
    \`pulumi stack output apiKey --show-secrets\`.
  - On a real cluster, check the model answers: \`npm run smoke -- --url http://localhost:8000 --api-key-from-stack\`
    after \`kubectl -n ${ns} port-forward svc/${outputs.serviceName} 8000:8000\`.

Tear down: npm run demo:down   (destroys the stack, stops the local control plane)`);
}

async function down(): Promise<void> {
    if (fs.existsSync(path.join(DEMO_DIR, "state"))) {
        const kubeconfig = fs.existsSync(KUBECONFIG_NOTE) ? fs.readFileSync(KUBECONFIG_NOTE, "utf8") : process.env.KUBECONFIG;
        const ws = new PulumiWorkspace({ dir: DEMO_DIR, kubeconfig, echo: true });
        if (await ws.hasStack(STACK)) {
            await ws.selectStack(STACK);
            step(`pulumi destroy --stack ${STACK}`);
            await ws.destroy({ timeoutMs: 30 * 60_000 });
        }
    }
    const status = await clusterStatus({ stateDir: CLUSTER_DIR }).catch(() => undefined);
    if (status && status.components.some((c) => c.running)) {
        step("Stopping the local control plane");
        await stopCluster({ stateDir: CLUSTER_DIR });
    }
    console.error("Nothing of the demo is running any more.");
}

const command = process.argv[2] ?? "up";
(command === "down" ? down() : up()).catch((e) => {
    console.error(`\ndemo ${command} failed: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
});
