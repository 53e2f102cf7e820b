/**
 * `npm run upgrade -- --stack NAME --image REF [--model-revision REV]`: a canary, four gates, then
 * complete or roll back (upgrade/run.ts). `--rollback` removes a canary an earlier run left.
 * Works on the demo's workspace (.cache/demo, or $VLLM_PULUMI_DEMO_DIR) and local environment by default; `--workspace`,
 * `--kubeconfig` and `--prometheus-url` point it elsewhere.
 *
 * exit codes: 0 completed (or rolled back with --rollback), 1 refused at a gate (rolled back),
 *             2 bad input or a canary already there (nothing changed), 3 other error
 */
import * as fs from "fs";
import { parseArgs } from "node:util";
import * as path from "path";
import { readEnvironment } from "../env/environment";
import { CanaryExistsError } from "../upgrade/preflight";
import { directReach, PodReach, wrappedReach } from "../upgrade/podReach";
import { PrometheusClient } from "../upgrade/prometheus";
import { DEFAULT_GATES, requestProblems, UpgradeInputError } from "../upgrade/request";
import { runRollback } from "../upgrade/rollbackCommand";
import { runUpgrade } from "../upgrade/run";
import { DEMO_DIR } from "./demo/paths";
import { PulumiWorkspace } from "./pulumi-workspace";
import { REPO_ROOT } from "./toolchain";

const USAGE = `usage: npm run upgrade -- --stack NAME --image REF [--model-revision REV] [--report FILE]
       npm run upgrade -- --stack NAME --rollback
  [--workspace DIR (default .cache/demo)] [--kubeconfig FILE] [--prometheus-url URL]
  [--ttft-window SECONDS (${DEFAULT_GATES.ttftWindowSeconds})] [--ttft-min-requests N (${DEFAULT_GATES.ttftMinRequests})] [--ttft-tolerance F (${DEFAULT_GATES.ttftTolerance})]`;

const OPTIONS = {
    stack: { type: "string" },
    image: { type: "string" },
    "model-revision": { type: "string" },
    rollback: { type: "boolean", default: false },
    workspace: { type: "string" },
    kubeconfig: { type: "string" },
    "prometheus-url": { type: "string" },
    report: { type: "string" },
    "ttft-window": { type: "string" },
    "ttft-min-requests": { type: "string" },
    "ttft-tolerance": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
} as const;

function num(v: string | undefined, fallback: number): number {
    return v === undefined ? fallback : Number(v);
}

async function main(argv: string[]): Promise<number> {
    const { values: v } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
    if (v.help) {
        console.log(USAGE);
        return 0;
    }
    if (!v.stack) throw new UpgradeInputError("--stack is required");
    if (!v.rollback && !v.image) throw new UpgradeInputError("--image is required (or --rollback)");
    const gates = {
        ttftWindowSeconds: num(v["ttft-window"], DEFAULT_GATES.ttftWindowSeconds),
        ttftMinRequests: num(v["ttft-min-requests"], DEFAULT_GATES.ttftMinRequests),
        ttftTolerance: num(v["ttft-tolerance"], DEFAULT_GATES.ttftTolerance),
    };
    const request = { stack: v.stack, image: v.image ?? "", modelRevision: v["model-revision"], gates };
    // Bad input is refused before anything is looked up or created.
    const problems = v.rollback ? [] : requestProblems(request);
    if (problems.length > 0) throw new UpgradeInputError(`nothing changed; fix these:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    const local = readEnvironment();
    const kubeNote = path.join(DEMO_DIR, "kubeconfig-path");
    const kubeconfig = v.kubeconfig ?? process.env.KUBECONFIG ?? (fs.existsSync(kubeNote) ? fs.readFileSync(kubeNote, "utf8").trim() : local?.kubeconfig);
    if (!kubeconfig) throw new UpgradeInputError("no cluster: pass --kubeconfig, set KUBECONFIG, or run `npm run demo`");
    const ws = new PulumiWorkspace({ dir: path.resolve(v.workspace ?? DEMO_DIR), kubeconfig });
    const log = (l: string) => console.log(l);
    if (v.rollback) {
        await runRollback(v.stack, ws, kubeconfig, log);
        return 0;
    }
    const promUrl = v["prometheus-url"] ?? local?.prometheusUrl;
    if (!promUrl) throw new UpgradeInputError("no Prometheus: pass --prometheus-url (the one that scrapes the stack)");
    // Pod IPs of the local environment live in its network namespace; elsewhere this process must be on the pod network.
    const reach: PodReach = local && path.resolve(kubeconfig) === path.resolve(local.kubeconfig) ? wrappedReach(local.inNamespace) : directReach;
    const outcome = await runUpgrade(request, { ws, kubeconfig, prom: new PrometheusClient(promUrl), reach, log });
    const report = path.resolve(v.report ?? path.join(REPO_ROOT, ".cache", "upgrade", `${v.stack}-${new Date().toISOString().replace(/[:.]/g, "-")}.md`));
    fs.mkdirSync(path.dirname(report), { recursive: true });
    fs.writeFileSync(report, outcome.report);
    console.log(`upgrade: ${outcome.ok ? "completed" : `REFUSED at the ${outcome.failedGate} gate, rolled back`} in ${outcome.seconds.toFixed(1)} s; report ${report}`);
    return outcome.ok ? 0 : 1;
}

main(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((e) => {
        const input = e instanceof UpgradeInputError || e instanceof CanaryExistsError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
        console.error(`upgrade: ${(e as Error).message}${input && !(e instanceof CanaryExistsError) ? `\n${USAGE}` : ""}`);
        process.exit(input ? 2 : 3);
    });
