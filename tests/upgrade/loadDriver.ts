/**
 * Client load for the upgrade tests, run inside the environment's network namespace (pod IPs):
 * streaming chat requests over the Service's ready endpoints (re-read every second, like a
 * kube-proxy/gateway would) in short segments until a stop file appears, then one JSON file with
 * every request's outcome. Segments, so the test can stop it at the end of a rollout of unknown length.
 *
 *   node -r ts-node/register/transpile-only loadDriver.ts --kubeconfig K --namespace NS --service S --model M --stop F --json OUT
 */
import * as fs from "fs";
import { parseArgs } from "node:util";
import { runLoad } from "../../loadgen";
import { KubeTargetClient } from "../../scripts/load/kubeTarget";

export interface DriverResult {
    sent: number;
    failed: number;
    seconds: number;
    /** The failed requests: endpoint, status (HTTP code or network error), ms since the start. */
    failures: { endpoint: string; status: string; atMs: number }[];
}

const SEGMENT_SECONDS = 5;

async function main(): Promise<void> {
    const { values: v } = parseArgs({
        options: {
            kubeconfig: { type: "string" }, namespace: { type: "string" }, service: { type: "string" }, model: { type: "string" },
            stop: { type: "string" }, json: { type: "string" }, concurrency: { type: "string", default: "4" },
        },
        strict: true,
    });
    const kube = new KubeTargetClient(v.kubeconfig!, { namespace: v.namespace!, service: v.service!, deployment: v.service!, portName: "http" });
    // No Secret: a stack with apiKeyEnabled false.
    const apiKey = await kube.secretValue(`${v.service}-api-key`, "api-key").catch(() => undefined);
    const started = Date.now();
    const result: DriverResult = { sent: 0, failed: 0, seconds: 0, failures: [] };
    while (!fs.existsSync(v.stop!)) {
        const segmentStart = Date.now() - started;
        const r = await runLoad({ endpoints: () => kube.endpoints(), apiKey, model: v.model!, seconds: SEGMENT_SECONDS, concurrency: Number(v.concurrency), maxTokens: 16, tickSeconds: SEGMENT_SECONDS });
        result.sent += r.requests.length;
        for (const q of r.requests.filter((q) => !q.ok)) result.failures.push({ endpoint: q.endpoint, status: q.status, atMs: Math.round(segmentStart + q.startedAt) });
    }
    result.failed = result.failures.length;
    result.seconds = (Date.now() - started) / 1000;
    fs.writeFileSync(v.json!, JSON.stringify(result));
}

main().catch((e) => {
    console.error(`load driver: ${(e as Error).stack ?? e}`);
    process.exit(1);
});
