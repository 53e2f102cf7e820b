/**
 * Container image references, parsed the way the container runtime does, so that
 * "is this image pinned?" has one answer for the component and the policy pack.
 *
 * Grammar (distribution/reference): [registry[:port]/]path[:tag][@algo:digest].
 * A registry is only recognised when the first path segment has a "." or ":" or is
 * "localhost": that is how `host:5000/repo` (no tag) differs from `repo:5000` (tag).
 */
export interface ImageRef {
    /** Registry host (with port), or undefined for Docker Hub. */
    registry?: string;
    /** Repository path without registry, e.g. `vllm/vllm-openai`. */
    repository: string;
    tag?: string;
    /** Full digest including algorithm, e.g. `sha256:<64 hex>`. */
    digest?: string;
}

/** Tags that move: an image with one of these is not pinned, whatever the registry. */
export const FLOATING_TAGS: readonly string[] = ["latest", "nightly", "main", "master", "dev", "edge", "stable", "head", "canary", "unstable"];

const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const SHA256_RE = /^sha256:[a-f0-9]{64}$/;

/** Splits an image reference into registry, repository, tag and digest. Never throws. */
export function parseImageRef(image: string): ImageRef {
    let rest = image.trim();
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
    }
    let registry: string | undefined;
    const slash = rest.indexOf("/");
    if (slash >= 0) {
        const first = rest.slice(0, slash);
        if (first.includes(".") || first.includes(":") || first === "localhost") {
            registry = first;
            rest = rest.slice(slash + 1);
        }
    }
    let tag: string | undefined;
    const colon = rest.lastIndexOf(":");
    if (colon >= 0) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
    }
    return { registry, repository: rest, tag, digest };
}

export interface PinOptions {
    /** Only accept `@sha256:` digests (e.g. in prod). */
    requireDigest?: boolean;
}

/**
 * Why an image reference is not pinned, or undefined when it is.
 * Pinned means a valid `@sha256:<64 hex>` digest, or a concrete version tag: not missing,
 * not a floating tag like `latest`/`nightly`, not a template placeholder like `<pinned-tag>`.
 */
export function imagePinProblem(image: string, opts: PinOptions = {}): string | undefined {
    if (!image || !image.trim()) {
        return "image is empty";
    }
    const ref = parseImageRef(image);
    if (!ref.repository) {
        return `image "${image}" has no repository`;
    }
    if (ref.digest !== undefined) {
        if (!SHA256_RE.test(ref.digest)) {
            return `image "${image}" has a malformed digest (expected sha256: followed by 64 lowercase hex characters)`;
        }
        return undefined;
    }
    if (opts.requireDigest) {
        return `image "${image}" is not pinned by digest (@sha256:...), which this stack requires`;
    }
    if (ref.tag === undefined || ref.tag === "") {
        return `image "${image}" has no tag, so it floats to :latest`;
    }
    if (FLOATING_TAGS.includes(ref.tag.toLowerCase())) {
        return `image "${image}" uses the floating tag "${ref.tag}"`;
    }
    if (!TAG_RE.test(ref.tag)) {
        return `image "${image}" has an invalid tag "${ref.tag}" (a placeholder?)`;
    }
    return undefined;
}
