/**
 * "Is this image pinned?", with one answer for the component and the policy pack. The
 * reference itself is parsed by ./reference (the distribution/reference grammar).
 */
import { parseImageReference } from "./reference";
import { IMAGE_PLACEHOLDER_PART } from "./ruleText";

/**
 * An image reference split into registry, repository, tag and digest, also when it is not a
 * valid reference (so that "is it a vLLM image?" can still be answered for a bad one).
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

/**
 * Splits an image reference the way the grammar would, leniently: a registry is only
 * recognised when the first path segment has a "." or ":" or is "localhost" (that is how
 * `host:5000/repo` differs from `repo:5000`). Never throws.
 */
export function parseImageRef(image: string): ImageRef {
    const strict = parseImageReference(image);
    if (strict.ok) {
        const { domain, path, tag, digest } = strict.ref;
        return { registry: domain, repository: path, tag, digest };
    }
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

/**
 * Words that stand in for an image in docs and templates: an ALL_CAPS name (`IMAGE_NAME`,
 * `REPLACE_MODEL_SERVER_IMAGE`, a `:TAG` or `:VERSION` tag), `<image>`, `replace-me`, `your-image`.
 */
const PLACEHOLDER_PART = new RegExp(IMAGE_PLACEHOLDER_PART);

/**
 * The placeholder an image is or contains (the whole reference, a path segment or the tag), or
 * undefined. A template variable (`${IMAGE}`, `{{ .Values.image }}`) is not one here: the policy
 * pack says those cannot be checked until rendered.
 */
export function imagePlaceholder(image: string): string | undefined {
    if (typeof image !== "string" || /[${}]/.test(image) || image.length > 1000) return undefined;
    if (PLACEHOLDER_PART.test(image)) return image;
    const at = image.indexOf("@");
    const name = at < 0 ? image : image.slice(0, at);
    const slash = name.lastIndexOf("/");
    const colon = name.lastIndexOf(":");
    const tag = colon > slash ? name.slice(colon + 1) : undefined;
    const path = colon > slash ? name.slice(0, colon) : name;
    const floating = tag !== undefined && FLOATING_TAGS.includes(tag.toLowerCase()); // `:LATEST` floats, it is no placeholder
    return [...path.split("/"), ...(tag !== undefined && !floating ? [tag] : [])].find((part) => PLACEHOLDER_PART.test(part));
}

export interface PinOptions {
    /** Only accept `@sha256:` digests (e.g. in prod). */
    requireDigest?: boolean;
}

/**
 * Why an image reference is not pinned, or undefined when it is. It must first be a valid
 * reference; then pinned means a valid digest, or a concrete version tag: not missing and not a
 * floating tag like `latest`/`nightly`.
 */
export function imagePinProblem(image: string, opts: PinOptions = {}): string | undefined {
    if (typeof image !== "string" || !image.trim()) {
        return "image is empty";
    }
    const placeholder = imagePlaceholder(image);
    if (placeholder !== undefined) {
        return placeholder === image
            ? `image "${image}" is a placeholder, not an image: fill in the real image`
            : `image "${image}" holds the placeholder "${placeholder}": fill in the real ${image.endsWith(`:${placeholder}`) ? "tag" : "name"}`;
    }
    const parsed = parseImageReference(image);
    if (!parsed.ok) {
        return parsed.problem;
    }
    const ref = parsed.ref;
    if (ref.digest !== undefined) {
        return opts.requireDigest && !ref.digest.startsWith("sha256:") ? `image "${image}" is not pinned by a sha256 digest, which this stack requires` : undefined;
    }
    if (opts.requireDigest) {
        return `image "${image}" is not pinned by digest (@sha256:...), which this stack requires`;
    }
    if (ref.tag === undefined) {
        return `image "${image}" has no tag, so it floats to :latest`;
    }
    if (FLOATING_TAGS.includes(ref.tag.toLowerCase())) {
        return `image "${image}" uses the floating tag "${ref.tag}"`;
    }
    return undefined;
}
