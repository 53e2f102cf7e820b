/**
 * The doctor's command line, apart from the process: argv in, exit code and output out, so the
 * bad-input contract (one line, exit 2, no stack trace) is tested in-process. scripts/doctor.ts
 * only writes the result and exits.
 */
import { parseArgs } from "node:util";
import { runDoctor } from "./run";
import { BadInput } from "./types";

export const USAGE = `usage: npm run doctor -- --stack NAME [--workspace DIR] [--json]
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

/** 0: every link holds; 1: a link is broken; 2: bad input; 3: the doctor itself failed; 4: some link could not be judged. */
export interface CliResult {
    code: 0 | 1 | 2 | 3 | 4;
    stdout: string;
    stderr: string;
}

export async function doctorCli(argv: string[], variables: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
    let values;
    try {
        values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
    } catch (e) {
        return { code: 2, stdout: "", stderr: `doctor: ${(e as Error).message}\n${USAGE}\n` };
    }
    if (values.help) return { code: 0, stdout: `${USAGE}\n`, stderr: "" };
    try {
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
            variables,
        });
        return { code: run.exitCode, stdout: `${run.output}\n`, stderr: "" };
    } catch (e) {
        // One line, never a stack trace: bad input is the user's to fix (2); anything else is ours (3).
        const msg = ((e as Error).message ?? String(e)).split("\n")[0];
        const bad = e instanceof BadInput;
        return { code: bad ? 2 : 3, stdout: "", stderr: `${bad ? "doctor" : "doctor failed"}: ${msg}\n` };
    }
}
