import { VllmModel } from "../model";

/** Annotation the Kubernetes provider reads for how long to await an object. */
export const PULUMI_TIMEOUT_ANNOTATION = "pulumi.com/timeoutSeconds";

/** Slack on top of the startup budget: image pull and scheduling happen before the probe starts. */
export const AWAIT_MARGIN_SECONDS = 300;

/** Seconds `pulumi up` (and the Deployment's progress deadline) allow one rollout step. */
export function rolloutTimeoutSeconds(m: VllmModel): number {
    return m.startupTimeoutSeconds + AWAIT_MARGIN_SECONDS;
}

/** Standard metadata of a child object; `name` defaults to the service name. */
export function metadata(m: VllmModel, name = m.name, extraLabels: Record<string, string> = {}) {
    return { name, namespace: m.namespace, labels: { ...m.labels, ...extraLabels } };
}
