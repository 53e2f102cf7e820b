/**
 * `npm run demo`: the dev stack, for real. Starts the local environment (control plane, kwok GPU
 * nodes whose vLLM pods run as simulators, prometheus-operator, Prometheus, prometheus-adapter)
 * unless KUBECONFIG points at a cluster, runs `pulumi up` with the policy pack enforced on a local
 * file backend, feeds the stack's adapter rules to the adapter, and prints the outputs, the
 * Prometheus URL and a tour. `npm run demo:load` then shows the HPA scaling; `npm run demo:down`
 * destroys the stack and stops everything the demo started.
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { AdapterTiming } from "@vllm-pulumi/kube-parser";
import { Environment, readEnvironment, startEnvironment, stopEnvironment } from "../env/environment";
import { DEMO_DIR, DEMO_OUTPUTS, DEMO_STACK } from "./demo/paths";
import { PulumiWorkspace } from "./pulumi-workspace";
import { toolchainEnv } from "./toolchain";

/** Where the demo remembers the cluster it used, so `demo:down` cleans up the same one. */
const KUBECONFIG_NOTE = path.join(DEMO_DIR, "kubeconfig-path");
const OUTPUTS_FILE = DEMO_OUTPUTS;
const STACK = DEMO_STACK;
/**
 * A deliberately small simulated GPU: 800 tokens of KV cache hold about 8 requests of the load
 * generator (~30 prompt + 64 output tokens), so a laptop-sized load queues and the HPA has work.
 */
const DEMO_SIM_KNOBS = { "kv-cache-tokens": "800" };

function step(msg: string): void {
    console.error(`\n==> ${msg}`);
}

async function localEnvironment(): Promise<Environment> {
    const running = readEnvironment();
    if (running) {
        try {
            execFileSync(running.kubectl, ["--kubeconfig", running.kubeconfig, "get", "--raw", "/readyz"], { stdio: "ignore", timeout: 10_000 });
            console.error(`reusing the running local environment (${running.stateDir})`);
            return running;
        } catch {
            /* not healthy: start afresh below (startEnvironment stops what is recorded first) */
        }
    }
    return startEnvironment({ simDefaults: DEMO_SIM_KNOBS });
}

async function up(): Promise<void> {
    step("Toolchain (built from the Go module proxy on first use; see tools/README.md)");
    const env = toolchainEnv();

    let kubeconfig = process.env.KUBECONFIG;
    let kubectl = "kubectl";
    let local: Environment | undefined;
    if (kubeconfig) {
        step(`Using your cluster: KUBECONFIG=${kubeconfig}`);
    } else {
        step("Starting the local environment (control plane, kwok GPU nodes, pod runner, prometheus-operator, Prometheus)");
        local = await localEnvironment();
        kubeconfig = local.kubeconfig;
        kubectl = local.kubectl;
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
    const plain: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(outputs)) {
        const text = typeof v === "string" ? v : JSON.stringify(v);
        if (v !== undefined && text !== "[secret]") plain[k] = v; // the CLI prints secrets as "[secret]"
        // Multi-line outputs (the adapter rules) would drown the rest: name the command instead.
        console.log(`  ${k.padEnd(16)} ${text.includes("\n") ? `(${text.split("\n").length} lines: pulumi stack output ${k})` : text}`);
    }
    fs.writeFileSync(OUTPUTS_FILE, JSON.stringify(plain, null, 2));

    if (local) {
        // The relist window follows the stack's scrape interval (adapterSettings), never shorter.
        const timing = outputs.adapterSettings as AdapterTiming;
        step(`prometheus-adapter with exactly the stack's adapterRules output, relist ${timing.metricsRelistInterval}, max-age ${timing.metricsMaxAge}, registered for custom.metrics.k8s.io`);
        local.configureAdapter(String(outputs.adapterRules), timing);
    }
    const ns = String(outputs.namespace);
    const kenv = { ...env, KUBECONFIG: kubeconfig };
    const kubectlShow = (args: string[]) => {
        step(`kubectl ${args.join(" ")}`);
        console.log(execFileSync(kubectl, args, { env: kenv, encoding: "utf8" }));
    };
    kubectlShow(["-n", ns, "get", "deploy,svc,servicemonitor,prometheusrule,hpa,secret,networkpolicy"]);
    kubectlShow(["-n", ns, "rollout", "status", `deploy/${outputs.deploymentName}`, "--timeout=120s"]);
    console.log(tour(ns, String(outputs.serviceName), kubeconfig, local));
}

function tour(ns: string, service: string, kubeconfig: string, local?: Environment): string {
    const where = local
        ? `
  KUBECONFIG=${kubeconfig}
  PROMETHEUS_URL=${local.prometheusUrl}      (e.g. ${local.prometheusUrl}/api/v1/targets)

What you are looking at
  - The pods run on kwok-simulated GPU nodes. Each vLLM container runs as the project's vLLM
    simulator (sim/) on its pod IP, inside the environment's own network namespace; its probes
    decide readiness, and Prometheus (run by prometheus-operator from the stack's ServiceMonitor
    and PrometheusRule) scrapes its /metrics. The HPA reads vllm:num_requests_waiting through
    prometheus-adapter:  kubectl -n ${ns} get hpa ${service}
  - Make it scale:  npm run demo:load -- --seconds 75 --concurrency 24`
        : `
  On your cluster, check the model answers: \`npm run smoke -- --url http://localhost:8000 --api-key-from-stack\`
  after \`kubectl -n ${ns} port-forward svc/${service} 8000:8000\`.`;
    return `${where}
  - The policy pack ran on every resource of the stack. To see it refuse bad manifests:
    \`npm run --silent check-manifests -- tests/fixtures/tp-flag-two-items-mismatch.yaml\`
  - The stack lives in .cache/demo (project copy, file backend, passphrase file). To use the CLI on it:
    \`. tools/env.sh && cd .cache/demo/project && export PULUMI_BACKEND_URL=file://$PWD/../state
    PULUMI_CONFIG_PASSPHRASE_FILE=$PWD/../passphrase KUBECONFIG=${kubeconfig}\`

Tear down: npm run demo:down   (destroys the stack, stops everything the demo started)`;
}

async function down(): Promise<void> {
    if (fs.existsSync(path.join(DEMO_DIR, "state"))) {
        const kubeconfig = fs.existsSync(KUBECONFIG_NOTE) ? fs.readFileSync(KUBECONFIG_NOTE, "utf8") : process.env.KUBECONFIG;
        const ws = new PulumiWorkspace({ dir: DEMO_DIR, kubeconfig, echo: true });
        if (await ws.hasStack(STACK)) {
            await ws.selectStack(STACK);
            step(`pulumi destroy --stack ${STACK}`);
            // Whatever happens to the stack, what the demo started is stopped below.
            const destroyed = await ws.destroy({ timeoutMs: 30 * 60_000 }).then(
                () => true,
                (e) => (console.error(`destroy failed: ${(e as Error).message}`), false),
            );
            // The workspace's stack config outlives every command (the API key, an upgrade's image);
            // once the stack is gone, so is its config: the next demo starts from the shipped file.
            if (destroyed) await ws.must(["stack", "rm", "--yes", "--stack", STACK]);
        }
    }
    if (readEnvironment()) {
        step("Stopping the local environment");
        await stopEnvironment();
    }
    fs.rmSync(OUTPUTS_FILE, { force: true });
    console.error("Nothing of the demo is running any more.");
}

const command = process.argv[2] ?? "up";
(command === "down" ? down() : up()).catch((e) => {
    console.error(`\ndemo ${command} failed: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
});
