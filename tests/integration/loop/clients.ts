/**
 * The elasticity tests' view of the loop: load runs inside the environment's namespace (where pod
 * IPs are), Prometheus through the host relay, the HPA from the API server.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Environment } from "../../../env/environment";
import { TS_NODE } from "../../../env/inside";
import { REPO_ROOT } from "../../../scripts/toolchain";

export interface ClientRequest {
    ok: boolean;
    ttftMs?: number;
    /** Epoch ms of the first token. */
    firstTokenAt?: number;
    /** `http://POD_IP:PORT` it was sent to. */
    endpoint?: string;
    /** Epoch ms it was sent and it ended. */
    startedAt?: number;
    finishedAt?: number;
    /** HTTP status or the network error's code. */
    status?: string;
}

export interface LoadRun {
    done: Promise<{ requests: ClientRequest[]; summaryLine: string }>;
    process: ChildProcess;
}

/** Starts `npm run demo:load`'s script inside the namespace against the loop stack. */
export function startLoad(env: Environment, o: { seconds: number; concurrency: number; namespace: string; service: string }): LoadRun {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-load-"));
    const json = path.join(dir, "run.json");
    const args = [
        ...TS_NODE,
        path.join(REPO_ROOT, "scripts", "load.ts"),
        ...["--seconds", String(o.seconds), "--concurrency", String(o.concurrency), "--json", json, "--chart", path.join(dir, "run.svg")],
        ...["--namespace", o.namespace, "--service", o.service, "--deployment", o.service, "--hpa", o.service, "--model", "default"],
        ...["--env-dir", env.stateDir],
    ];
    const [cmd, cmdArgs] = env.inNamespace(process.execPath, args);
    const child = spawn(cmd, cmdArgs, { cwd: REPO_ROOT, env: { ...process.env, VLLM_PULUMI_LOAD_INSIDE: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const done = new Promise<{ requests: ClientRequest[]; summaryLine: string }>((resolve, reject) => {
        child.on("exit", (code) => {
            if (code !== 0) return reject(new Error(`load run failed (exit ${code}):\n${out}`));
            const r = JSON.parse(fs.readFileSync(json, "utf8")) as { requests: ClientRequest[] };
            const summaryLine = out.split("\n").find((l) => l.startsWith("scaled") || l.startsWith("stayed")) ?? "";
            fs.rmSync(dir, { recursive: true, force: true });
            resolve({ requests: r.requests, summaryLine });
        });
    });
    return { done, process: child };
}

/** Client-side TTFT compliance of the requests whose first token arrived in (from, to]. */
export function clientCompliance(requests: ClientRequest[], from: number, to: number, targetSeconds: number): { ratio: number; n: number } {
    const inWindow = requests.filter((r) => r.ok && r.firstTokenAt !== undefined && r.firstTokenAt > from && r.firstTokenAt <= to);
    const good = inWindow.filter((r) => (r.ttftMs ?? Infinity) <= targetSeconds * 1000).length;
    return { ratio: inWindow.length === 0 ? NaN : good / inWindow.length, n: inWindow.length };
}

export interface PromSample {
    metric: Record<string, string>;
    value: [number, string];
}

/** An instant query against the environment's Prometheus (through the host relay). */
export async function promQuery(env: Environment, q: string): Promise<PromSample[]> {
    const res = await fetch(`${env.prometheusUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = (await res.json()) as { status: string; data: { result: PromSample[] }; error?: string };
    if (body.status !== "success") throw new Error(`query ${q} failed: ${body.error}`);
    return body.data.result;
}

/** Alerts Prometheus currently has pending or firing. */
export async function promAlerts(env: Environment): Promise<{ labels: Record<string, string>; state: string }[]> {
    const res = await fetch(`${env.prometheusUrl}/api/v1/alerts`);
    return ((await res.json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } }).data.alerts;
}
