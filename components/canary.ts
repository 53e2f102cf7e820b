/**
 * The canary of an upgrade in progress: `canaryReplicas` pods of `canaryImage` (and
 * `canaryModelRevision`) in a Deployment of their own beside the stable one. Checked like the
 * stable image and revision (components/pins.ts).
 */
import { VllmServiceArgs } from "./args";
import { Problems } from "./checks";
import { checkPinnedImage, checkPinnedRevision } from "./pins";

/** Label telling canary pods from stable ones (both carry the Service's selector labels). */
export const TRACK_LABEL = "app.kubernetes.io/track";
export const TRACK = { stable: "stable", canary: "canary" } as const;

/** Suffix of the canary Deployment's name. */
export const CANARY_SUFFIX = "-canary";

/** At most this many canary pods: a canary is a sample, not a second fleet. */
export const MAX_CANARY_REPLICAS = 8;

export interface CanaryModel {
    /** Name of the canary Deployment, `<name>-canary`. */
    name: string;
    image: string;
    modelRevision: string;
    replicas: number;
}

/**
 * The canary's settings from the args, or undefined without `canaryImage`. `raw` are the args as
 * given (before defaults), so a revision set without an image is reported, not ignored.
 */
export function checkCanary(
    p: Problems,
    a: { canaryImage?: unknown; canaryModelRevision?: unknown; canaryReplicas?: unknown },
    raw: VllmServiceArgs,
): Omit<CanaryModel, "name" | "modelRevision"> & { modelRevision?: string } | undefined {
    // Checked even without a canary: a bad value left in the config fails now, not at the next upgrade.
    const replicas = p.integer("canaryReplicas", a.canaryReplicas, 1, MAX_CANARY_REPLICAS, "a canary is a sample of the fleet");
    if (raw.canaryImage === undefined) {
        if (raw.canaryModelRevision !== undefined) {
            p.add("canaryModelRevision", "is set but canaryImage is not; a canary needs its image (remove canaryModelRevision, or run `npm run upgrade`)");
        }
        return undefined;
    }
    const image = checkPinnedImage(p, "canaryImage", a.canaryImage);
    const modelRevision = a.canaryModelRevision === undefined ? undefined : checkPinnedRevision(p, "canaryModelRevision", a.canaryModelRevision);
    return { image, modelRevision, replicas };
}
