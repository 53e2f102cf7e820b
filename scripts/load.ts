/**
 * `npm run demo:load -- --seconds N [--concurrency C]`: bounded streaming load on the demo's
 * vLLM Service, printing replicas, the HPA's queue per replica and client TTFT every few seconds,
 * then a summary line and a chart (SVG) of the run. Pod IPs live in the local environment's
 * network namespace, so the command re-runs itself there (nsenter) when started from the shell.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { parseArgs } from "node:util";
import * as path from "path";
import { readEnvironment } from "../env/environment";
import { TS_NODE } from "../env/inside";
import { runLoad, summaryLine, writeChart } from "../loadgen";
import { DEMO_DIR, DEMO_OUTPUTS } from "./demo/paths";
import { KubeTargetClient } from "./load/kubeTarget";
import { REPO_ROOT } from "./toolchain";

const INSIDE_MARKER = "VLLM_PULUMI_LOAD_INSIDE";
const USAGE = `usage: npm run demo:load -- --seconds N [--concurrency C] [--max-tokens T] [--json FILE] [--chart FILE]
  [--namespace NS --service SVC --deployment D --hpa H --model M --api-key-secret S]  (default: the demo stack's outputs)`;

const OPTIONS = {
    seconds: { type: "string" },
    concurrency: { type: "string", default: "16" },
    "max-tokens": { type: "string", default: "64" },
    json: { type: "string" },
    chart: { type: "string" },
    namespace: { type: "string" },
    service: { type: "string" },
    deployment: { type: "string" },
    hpa: { type: "string" },
    model: { type: "string" },
    "api-key-secret": { type: "string" },
    "env-dir": { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];

function boundedInt(name: string, v: string | undefined, min: number, max: number): number {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got ${v ?? "nothing"}`);
    return n;
}

class UsageError extends Error {}

/** The target: flags, else the demo stack's recorded outputs. */
function target(v: Values) {
    const demo = fs.existsSync(DEMO_OUTPUTS) ? (JSON.parse(fs.readFileSync(DEMO_OUTPUTS, "utf8")) as Record<string, string>) : {};
    const pick = (flag: string | undefined, key: string) => {
        const value = flag ?? demo[key];
        if (!value) throw new UsageError(`no ${key}: run \`npm run demo\` first, or pass it as a flag`);
        return value;
    };
    const service = pick(v.service, "serviceName");
    return {
        namespace: pick(v.namespace, "namespace"),
        service,
        deployment: pick(v.deployment, "deploymentName"),
        hpa: v.hpa ?? demo.hpaName,
        model: pick(v.model, "servedModelName"),
        apiKeySecret: v["api-key-secret"] ?? `${service}-api-key`,
    };
}

async function inside(v: Values, kubeconfig: string): Promise<void> {
    const t = target(v);
    const seconds = boundedInt("seconds", v.seconds, 1, 3600);
    const kube = new KubeTargetClient(kubeconfig, { namespace: t.namespace, service: t.service, deployment: t.deployment, hpa: t.hpa, portName: "http" });
    const apiKey = await kube.secretValue(t.apiKeySecret, "api-key").catch(() => undefined);
    console.error(`load: ${seconds} s, concurrency ${v.concurrency}, on ${t.namespace}/${t.service} (model ${t.model}${apiKey ? ", API key from its Secret" : ", no API key"})`);
    const result = await runLoad({
        endpoints: () => kube.endpoints(),
        observe: () => kube.observe(),
        apiKey,
        model: t.model,
        seconds,
        concurrency: boundedInt("concurrency", v.concurrency, 1, 512),
        maxTokens: boundedInt("max-tokens", v["max-tokens"], 1, 8192),
        onTick: (line) => console.log(line),
    });
    console.log(summaryLine(result));
    const chart = v.chart ?? path.join(DEMO_DIR, `load-${result.startedAt.replace(/[:.]/g, "-")}.svg`);
    console.log(`chart: ${writeChart(result, chart)}`);
    if (v.json) {
        // For tests that compare client-side latency with Prometheus: every request, in epoch ms.
        const t0 = Date.parse(result.startedAt);
        const requests = result.requests.map((r) => ({
            ok: r.ok,
            ttftMs: r.ttftMs,
            firstTokenAt: r.firstTokenAt === undefined ? undefined : t0 + r.firstTokenAt,
            // For the fault tests: which pod, when, and how it ended.
            endpoint: r.endpoint,
            startedAt: t0 + r.startedAt,
            finishedAt: t0 + r.finishedAt,
            status: r.status,
        }));
        fs.writeFileSync(v.json, JSON.stringify({ startedAt: result.startedAt, seconds: result.seconds, series: result.series, summary: result.summary, requests }));
    }
}

async function main(argv: string[]): Promise<number> {
    const { values: v } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
    if (v.help) {
        console.log(USAGE);
        return 0;
    }
    target(v); // validate before entering the namespace
    boundedInt("seconds", v.seconds, 1, 3600);
    const env = readEnvironment(v["env-dir"] ? path.resolve(v["env-dir"]) : undefined);
    if (!env) throw new UsageError("no local environment is running: start it with `npm run demo`");
    if (process.env[INSIDE_MARKER] === "1") {
        await inside(v, env.inside.kubeconfig);
        return 0;
    }
    const [cmd, args] = env.inNamespace(process.execPath, [...TS_NODE, __filename, ...argv]);
    const r = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: "inherit", env: { ...process.env, [INSIDE_MARKER]: "1" } });
    return r.status ?? 1;
}

main(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((e) => {
        const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
        console.error(`demo:load: ${(e as Error).message}${usage ? `\n${USAGE}` : ""}`);
        process.exit(usage ? 2 : 1);
    });
