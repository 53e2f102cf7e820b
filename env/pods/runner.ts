/**
 * The pod runner: our kubelet stand-in for kwok's fake nodes. It follows the pods kwok has given
 * an IP, runs each one (PodWorker), and stops its processes when the pod is deleted. It runs
 * inside the environment's network namespace, where pod IPs are bindable.
 *
 *   node -r ts-node/register/transpile-only env/pods/runner.ts --kubeconfig K --sim-main M --log-dir D --ready-file F
 */
import { CoreV1Api, KubeConfig, V1Pod } from "@kubernetes/client-node";
import * as fs from "fs";
import { parseArgs } from "node:util";
import { PodWorker } from "./podWorker";
import { SIM_ANNOTATION_PREFIX } from "./vllmContainer";

/** How often the pod list is read: a pod's process starts at most this long after kwok gives it an IP. */
const POLL_MS = 500;
const START_RETRY_MS = 2_000;

export interface RunnerOptions {
    kubeconfig: string;
    simMain: string;
    logDir: string;
    /**
     * Created once the first pod list is read: the environment's readiness check. (The simulators
     * need no PID record: they stay in the runner's process group, stopped with it even after a crash.)
     */
    readyFile: string;
    /** Simulator knobs for every pod, as sim annotations (namespace and pod annotations override them). */
    simDefaults: Record<string, string>;
}

function runnable(p: V1Pod): boolean {
    return !!p.status?.podIP && p.status.phase === "Running" && !p.metadata?.deletionTimestamp && !p.spec?.hostNetwork;
}

export class PodRunner {
    private workers = new Map<string, PodWorker>();
    /** Deleted pods still in their preStop/grace period: their simulators still serve in-flight requests. */
    private terminating = new Set<PodWorker>();
    /** Pods whose start failed (e.g. a Secret not created yet): when to try again. */
    private retryAt = new Map<string, number>();
    private core: CoreV1Api;
    private timer?: NodeJS.Timeout;
    private stopping = false;

    constructor(private readonly o: RunnerOptions) {
        const kc = new KubeConfig();
        kc.loadFromFile(o.kubeconfig);
        this.core = kc.makeApiClient(CoreV1Api);
    }

    log(msg: string): void {
        console.log(`${new Date().toISOString()} ${msg}`);
    }

    start(): void {
        const tick = async () => {
            try {
                await this.sync();
            } catch (e) {
                this.log(`listing pods failed: ${(e as Error).message.split("\n")[0]}`);
            }
            if (!this.stopping) this.timer = setTimeout(tick, POLL_MS);
        };
        void tick();
    }

    /** One reconcile: start workers for new runnable pods, stop those whose pod is gone or terminating. */
    async sync(): Promise<void> {
        const pods = (await this.core.listPodForAllNamespaces()).items.filter(runnable);
        const live = new Map(pods.map((p) => [p.metadata?.uid ?? "", p]));
        for (const [uid, w] of this.workers) {
            if (!live.has(uid)) this.terminate(uid, w);
        }
        for (const [uid, pod] of live) {
            if (this.workers.has(uid) || this.stopping) continue;
            // kwok recycles IPs: a new pod may get the IP of one whose process is still stopping.
            for (const [otherUid, w] of this.workers) {
                if (w.ip === pod.status?.podIP) await this.stopWorker(otherUid, w, `IP ${w.ip} reassigned`);
            }
            // Like a CNI that frees an IP only once the old sandbox is gone: the new pod starts after the
            // terminating one holding its IP has ended (bounded by that pod's grace period), so clients
            // still sending to the old pod are not refused mid-rollout.
            if ([...this.terminating].some((w) => w.ip === pod.status?.podIP)) continue;
            if ((this.retryAt.get(uid) ?? 0) > Date.now()) continue;
            const w = new PodWorker(pod, {
                core: this.core,
                simMain: this.o.simMain,
                logDir: this.o.logDir,
                simDefaults: this.o.simDefaults,
                log: (m) => this.log(m),
            });
            this.workers.set(uid, w);
            this.log(`${w.name}: running on ${w.ip}`);
            try {
                await w.start();
                this.retryAt.delete(uid);
            } catch (e) {
                // Like the kubelet's CreateContainerConfigError (a Secret not there yet): retry later.
                this.log(`${w.name}: cannot start yet, retrying in ${START_RETRY_MS / 1000}s: ${(e as Error).message}`);
                this.workers.delete(uid);
                await w.stop();
                this.retryAt.set(uid, Date.now() + START_RETRY_MS);
            }
        }
        for (const uid of this.retryAt.keys()) if (!live.has(uid)) this.retryAt.delete(uid);
        if (!fs.existsSync(this.o.readyFile)) fs.writeFileSync(this.o.readyFile, `${process.pid}\n`);
    }

    /** A deleted pod ends in the background, like the kubelet's: preStop, SIGTERM, grace (the loop goes on). */
    private terminate(uid: string, w: PodWorker): void {
        this.workers.delete(uid);
        this.terminating.add(w);
        this.log(`${w.name}: pod deleted; terminating gracefully`);
        void w.stop({ graceful: true }).finally(() => this.terminating.delete(w));
    }

    private async stopWorker(uid: string, w: PodWorker, why: string): Promise<void> {
        this.workers.delete(uid);
        this.log(`${w.name}: ${why}; stopping`);
        await w.stop();
    }

    async stop(): Promise<void> {
        this.stopping = true;
        clearTimeout(this.timer);
        await Promise.all([
            ...[...this.workers.entries()].map(([uid, w]) => this.stopWorker(uid, w, "runner stopping")),
            ...[...this.terminating].map((w) => w.stop()),
        ]);
    }
}

/** `load-seconds=3` -> `{"sim.vllm-pulumi.dev/load-seconds": "3"}`. */
export function simDefaults(pairs: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of pairs) {
        const i = p.indexOf("=");
        if (i <= 0) throw new Error(`--sim-default wants KNOB=VALUE, got ${JSON.stringify(p)}`);
        out[`${SIM_ANNOTATION_PREFIX}${p.slice(0, i)}`] = p.slice(i + 1);
    }
    return out;
}

function main(): void {
    const { values } = parseArgs({
        options: {
            kubeconfig: { type: "string" },
            "sim-main": { type: "string" },
            "log-dir": { type: "string" },
            "ready-file": { type: "string" },
            "sim-default": { type: "string", multiple: true },
        },
        strict: true,
    });
    const missing = ["kubeconfig", "sim-main", "log-dir", "ready-file"].filter((k) => !values[k as keyof typeof values]);
    if (missing.length > 0) {
        console.error(`pod runner: missing ${missing.map((m) => `--${m}`).join(", ")}`);
        process.exit(2);
    }
    fs.mkdirSync(values["log-dir"]!, { recursive: true });
    const runner = new PodRunner({
        kubeconfig: values.kubeconfig!,
        simMain: values["sim-main"]!,
        logDir: values["log-dir"]!,
        readyFile: values["ready-file"]!,
        simDefaults: simDefaults(values["sim-default"] ?? []),
    });
    const shutdown = () => void runner.stop().then(() => process.exit(0));
    process.on("SIGTERM", shutdown);
    process.on("SIGINT", shutdown);
    runner.log(`pod runner started (simulator ${values["sim-main"]})`);
    runner.start();
}

if (require.main === module) main();
