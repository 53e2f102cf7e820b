/**
 * One kwok pod, run: a simulator per vLLM container, other containers reported ready at once
 * (nothing to run for them), and the pod's Ready/ContainersReady conditions and container
 * statuses written back to the API server whenever they change.
 */
import { CoreV1Api, PatchStrategy, V1ContainerStatus, V1Pod, setHeaderOptions } from "@kubernetes/client-node";
import * as path from "path";
import { containerEnv } from "./containerEnv";
import { SimContainer } from "./simContainer";
import { CancellableDelay, gracePeriodMs, preStopSleepSeconds } from "./termination";
import { simulatorArgs, vllmServerFlags } from "./vllmContainer";

export interface PodWorkerDeps {
    core: CoreV1Api;
    simMain: string;
    logDir: string;
    /** Knobs for every pod, as sim annotations; the namespace's and the pod's own override them. */
    simDefaults: Record<string, string>;
    log: (msg: string) => void;
}

export class PodWorker {
    readonly uid: string;
    readonly ip: string;
    private sims = new Map<string, SimContainer>();
    private patchTimer?: NodeJS.Timeout;
    private lastReady?: boolean;
    private lastTransition = new Date();
    private stopped = false;

    constructor(
        private readonly pod: V1Pod,
        private readonly deps: PodWorkerDeps,
    ) {
        this.uid = pod.metadata?.uid ?? "";
        this.ip = pod.status?.podIP ?? "";
    }

    get name(): string {
        return `${this.pod.metadata?.namespace}/${this.pod.metadata?.name}`;
    }

    pids(): number[] {
        return [...this.sims.values()].map((s) => s.pid).filter((p): p is number => p !== undefined);
    }

    async start(): Promise<void> {
        // Simulation knobs: the environment's defaults, the namespace's sim annotations, the pod's own.
        const ns = await this.deps.core.readNamespace({ name: this.pod.metadata?.namespace ?? "default" });
        const annotations = { ...this.deps.simDefaults, ...(ns.metadata?.annotations ?? {}), ...(this.pod.metadata?.annotations ?? {}) };
        for (const c of this.pod.spec?.containers ?? []) {
            const flags = vllmServerFlags(c);
            if (!flags) continue;
            const env = await containerEnv(this.deps.core, this.pod, c);
            const logFile = path.join(this.deps.logDir, `${this.pod.metadata?.namespace}_${this.pod.metadata?.name}_${c.name}.log`);
            const sim = new SimContainer({
                container: c,
                podIP: this.ip,
                args: simulatorArgs(flags, this.ip, annotations, c.image),
                env,
                simMain: this.deps.simMain,
                logFile,
                onChange: () => this.schedulePatch(),
                log: (m) => this.deps.log(`${this.name}/${c.name}: ${m}`),
            });
            this.sims.set(c.name, sim);
        }
        if (this.stopped) return;
        for (const sim of this.sims.values()) sim.start();
        this.schedulePatch();
    }

    private readonly preStop = new CancellableDelay();

    /**
     * Stops the simulators. `graceful` (the pod was deleted) runs like the kubelet: the preStop sleep
     * while the endpoints drop the pod, then SIGTERM (the simulator finishes in-flight requests), SIGKILL
     * when the grace period is over. Otherwise (runner stopping, IP reused) SIGTERM now; this also cuts
     * a graceful stop in progress short.
     */
    async stop(o: { graceful?: boolean } = {}): Promise<void> {
        this.stopped = true;
        clearTimeout(this.patchTimer);
        if (!o.graceful) {
            this.preStop.cancel();
            await Promise.all([...this.sims.values()].map((s) => s.stop()));
            return;
        }
        const grace = gracePeriodMs(this.pod);
        const sleepMs = Math.min(grace, 1000 * Math.max(0, ...(this.pod.spec?.containers ?? []).filter((c) => this.sims.has(c.name)).map(preStopSleepSeconds)));
        if (sleepMs > 0) {
            this.deps.log(`${this.name}: preStop: serving ${sleepMs / 1000} s more before SIGTERM`);
            await this.preStop.wait(sleepMs);
        }
        await Promise.all([...this.sims.values()].map((s) => s.stop(Math.max(1000, grace - sleepMs))));
    }

    private containerStatuses(): V1ContainerStatus[] {
        const now = new Date();
        return (this.pod.spec?.containers ?? []).map(
            (c) =>
                this.sims.get(c.name)?.status() ?? {
                    name: c.name,
                    image: c.image ?? "",
                    imageID: "",
                    ready: true,
                    started: true,
                    restartCount: 0,
                    state: { running: { startedAt: this.pod.status?.startTime ?? now } },
                },
        );
    }

    /** Coalesces bursts of changes into one status write. */
    private schedulePatch(): void {
        if (this.stopped || this.patchTimer) return;
        this.patchTimer = setTimeout(() => {
            this.patchTimer = undefined;
            void this.patchStatus().catch((e) => this.deps.log(`${this.name}: status update failed: ${(e as Error).message.split("\n")[0]}`));
        }, 50);
    }

    private async patchStatus(): Promise<void> {
        const statuses = this.containerStatuses();
        const ready = statuses.every((s) => s.ready);
        if (ready !== this.lastReady) this.lastTransition = new Date();
        this.lastReady = ready;
        const condition = (type: string) => ({
            type,
            status: ready ? "True" : "False",
            lastTransitionTime: this.lastTransition,
            ...(ready ? {} : { reason: "ContainersNotReady", message: `containers with unready status: [${notReady(statuses)}]` }),
        });
        const body = { status: { conditions: [condition("Ready"), condition("ContainersReady")], containerStatuses: statuses } };
        await this.deps.core.patchNamespacedPodStatus(
            { name: this.pod.metadata?.name ?? "", namespace: this.pod.metadata?.namespace ?? "", body },
            setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
        );
    }
}

function notReady(statuses: V1ContainerStatus[]): string {
    return statuses
        .filter((s) => !s.ready)
        .map((s) => s.name)
        .join(" ");
}
