/**
 * `npm run doctor -- --stack NAME`: walks the elasticity chain of a deployed VllmService (pods
 * Ready -> /metrics -> ServiceMonitor selected -> series -> APIService -> adapter serves the
 * metric -> adapter relist vs scrape -> HPA -> PrometheusRule loaded) and prints one line per
 * link. Exit 0: every link holds; 1: a link is broken (the first one is named); 2: bad input
 * (unknown stack, unreachable cluster, missing objects, bad flags); 3: the doctor itself failed.
 */
import { parseArgs } from "node:util";
import { runDoctor } from "../doctor/run";
import { BadInput } from "../doctor/types";

const USAGE = `usage: npm run doctor -- --stack NAME [--workspace DIR] [--json]
       npm run doctor -- --namespace NS --service NAME [--deployment NAME] [--hpa NAME] [--json]
  --stack NAME          read namespace/serviceName/deploymentName/hpaName/adapterSettings from the stack's outputs
                        (the demo's workspace .cache/demo, else your backend: PULUMI_BACKEND_URL / pulumi login)
  --workspace DIR       a PulumiWorkspace folder holding the stack (state/ and passphrase), instead of .cache/demo
  --namespace, --service, --deployment, --hpa   skip Pulumi (or override the stack's outputs)
  --kubeconfig FILE     the cluster (default: $KUBECONFIG, else the local environment)
  --env-dir DIR         the local environment's state folder (default .cache/env)
  --prometheus-url URL  Prometheus (default: $PROMETHEUS_URL, the local environment's, else the API server's
                        proxy to the prometheus-operated Service of the Prometheus that selects the ServiceMonitor)
  --json                one JSON document instead of lines`;

const OPTIONS = {
    stack: { type: "string" },
    workspace: { type: "string" },
    namespace: { type: "string" },
    service: { type: "string" },
    deployment: { type: "string" },
    hpa: { type: "string" },
    kubeconfig: { type: "string" },
    "env-dir": { type: "string" },
    "prometheus-url": { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
} as const;

async function main(argv: string[]): Promise<number> {
    let values;
    try {
        values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
    } catch (e) {
        console.error(`doctor: ${(e as Error).message}\n${USAGE}`);
        return 2;
    }
    if (values.help) {
        console.log(USAGE);
        return 0;
    }
    const run = await runDoctor({
        stack: values.stack,
        workspace: values.workspace,
        namespace: values.namespace,
        service: values.service,
        deployment: values.deployment,
        hpa: values.hpa,
        kubeconfig: values.kubeconfig,
        envDir: values["env-dir"],
        prometheusUrl: values["prometheus-url"],
        json: values.json,
    });
    console.log(run.output);
    return run.exitCode;
}

main(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((e) => {
        // One line, never a stack trace: bad input is the user's to fix (2); anything else is ours (3).
        const msg = ((e as Error).message ?? String(e)).split("\n")[0];
        console.error(e instanceof BadInput ? `doctor: ${msg}` : `doctor failed: ${msg}`);
        process.exit(e instanceof BadInput ? 2 : 3);
    });
