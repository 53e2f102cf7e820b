import * as k8s from "@pulumi/kubernetes";
import { CanaryModel } from "../canary";
import { VllmModel } from "../model";
import { deploymentArgs } from "./deployment";

/** Annotation telling the Kubernetes provider not to wait for the object to become ready. */
export const SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";

/**
 * The canary Deployment: the stable pod template with the canary's image and revision, its own
 * replica count (never the HPA's) and `track: canary`. `pulumi up` does not wait for it: whoever
 * runs the upgrade waits for Ready within the startup budget and decides (a canary that never
 * starts must not hold the stack's `up` for the whole rollout timeout).
 */
export function canaryDeploymentArgs(m: VllmModel, canary: CanaryModel): k8s.apps.v1.DeploymentArgs {
    const args = deploymentArgs({ ...m, name: canary.name, image: canary.image, modelRevision: canary.modelRevision, replicas: canary.replicas }, "canary");
    const meta = args.metadata as k8s.types.input.meta.v1.ObjectMeta;
    return { ...args, metadata: { ...meta, annotations: { ...(meta.annotations as Record<string, string>), [SKIP_AWAIT_ANNOTATION]: "true" } } };
}
