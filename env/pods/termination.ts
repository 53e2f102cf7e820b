/**
 * How the kubelet ends a pod that is deleted: run each container's preStop hook, then SIGTERM,
 * then SIGKILL when the pod's terminationGracePeriodSeconds (default 30) runs out, counted from
 * the start of the hook. Meanwhile the endpoint controller has dropped the terminating pod, so a
 * preStop sleep lets clients and proxies stop sending to it before the server stops listening.
 * Only the hooks a simulator can honour are read: `sleep` (the PodLifecycleSleepAction) and an
 * `exec` of `sleep N` (what images without that feature gate use).
 */
import type { V1Container, V1Pod } from "@kubernetes/client-node";

/** Kubernetes' default terminationGracePeriodSeconds. */
export const DEFAULT_GRACE_SECONDS = 30;

/** The pod's grace period in ms. */
export function gracePeriodMs(pod: V1Pod): number {
    return (pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
}

/** Seconds the container's preStop hook sleeps (0 without one, or for a hook that is not a sleep). */
export function preStopSleepSeconds(c: V1Container): number {
    const hook = c.lifecycle?.preStop;
    if (!hook) return 0;
    if (hook.sleep?.seconds !== undefined) return Math.max(0, hook.sleep.seconds);
    const cmd = hook.exec?.command ?? [];
    const argv = cmd.length === 3 && /(^|\/)(ba)?sh$/.test(cmd[0]) && cmd[1] === "-c" ? cmd[2].trim().split(/\s+/) : cmd;
    if (argv.length === 2 && /(^|\/)sleep$/.test(argv[0]) && /^\d+(\.\d+)?$/.test(argv[1])) return Number(argv[1]);
    return 0;
}

/** A delay that an immediate stop can cut short. */
export class CancellableDelay {
    private timer?: NodeJS.Timeout;
    private wake?: () => void;

    wait(ms: number): Promise<void> {
        return new Promise((resolve) => {
            this.wake = resolve;
            this.timer = setTimeout(resolve, ms);
        });
    }

    cancel(): void {
        clearTimeout(this.timer);
        this.wake?.();
    }
}
