/**
 * "Is it pinned?" for the image and the model revision, one check used by `image`/`modelRevision`,
 * by the canary's `canaryImage`/`canaryModelRevision` and by `npm run upgrade`'s `--image`, so an
 * upgrade is refused with the same words the component would use.
 */
import { imagePinProblem } from "@vllm-pulumi/kube-parser";
import { Problems, shown } from "./checks";

/** Revisions that move when someone pushes to the model repo. */
export const FLOATING_REVISIONS: readonly string[] = ["main", "master", "latest", "head"];

/** A valid image reference pinned by a version tag or digest; the problem is added under `key`. */
export function checkPinnedImage(p: Problems, key: string, value: unknown): string {
    const image = p.string(key, value);
    if (typeof image === "string") {
        // The parser checks the distribution/reference grammar, then the pin (one answer with the policy pack).
        const problem = imagePinProblem(image);
        if (problem) {
            p.add(key, `${problem}; pin a version tag (e.g. vllm/vllm-openai:v0.11.0) or an @sha256: digest`);
        }
    }
    return image;
}

/** A model revision (commit hash or tag) that is not a moving branch. */
export function checkPinnedRevision(p: Problems, key: string, value: unknown): string {
    const revision = p.string(key, value, /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/, "a revision (commit hash or tag)");
    if (typeof revision === "string" && FLOATING_REVISIONS.includes(revision.toLowerCase())) {
        p.add(key, `${shown(revision)} is a branch that moves; pin a commit hash or tag`);
    }
    return revision;
}

/** The problems of an image (and revision) an upgrade would set, each naming its key; empty when fine. */
export function pinProblems(values: { image: unknown; imageKey: string; revision?: unknown; revisionKey?: string }): string[] {
    const p = new Problems();
    checkPinnedImage(p, values.imageKey, values.image);
    if (values.revision !== undefined) checkPinnedRevision(p, values.revisionKey ?? "modelRevision", values.revision);
    return p.list;
}
