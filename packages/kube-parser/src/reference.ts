/**
 * Container image references as container runtimes parse them: a typed port of
 * github.com/distribution/reference v0.6.0 (regexp.go, reference.go; formerly
 * docker/distribution's reference package), plus go-digest's validation of the digest.
 *
 *   reference      := name [ ":" tag ] [ "@" digest ]
 *   name           := [domain "/"] path-component ("/" path-component)*   (at most 255 characters)
 *   path-component := [a-z0-9]+ (separator [a-z0-9]+)*     separator := [._] | "__" | "-"*
 *   domain         := host [":" port]     host := domain-name | "[" ipv6 "]"
 *   tag            := [\w][\w.-]{0,127}
 *   digest         := algorithm ":" hex{32,}   (sha256: 64, sha384: 96, sha512: 128 lower-case hex)
 *
 * Upstream's separator `[-]*` may be empty; here it is `-+` (the empty case is already covered by
 * `[a-z0-9]+`), the same language without the nested quantifier that would make a JavaScript
 * regexp backtrack exponentially (Go's RE2 does not backtrack).
 */
const ALNUM = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|-+)";
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[(?:[a-fA-F0-9:]+)\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;

/**
 * `ReferenceRegexp`, anchored, without captures: one pattern that means the same in JavaScript and
 * RE2 (the admission policies match it in CEL).
 */
export const REFERENCE_PATTERN = `^(?:${DOMAIN}/)?${REMOTE_NAME}(?::${TAG})?(?:@${DIGEST})?$`;
/** `ReferenceRegexp`: name, tag and digest captured. */
const REFERENCE_RE = new RegExp(`^((?:${DOMAIN}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
/** `anchoredNameRegexp`: domain and path of a name. */
const NAME_RE = new RegExp(`^(?:(${DOMAIN})/)?(${REMOTE_NAME})$`);
/** `anchoredTagRegexp`. */
export const TAG_RE = new RegExp(`^${TAG}$`);

/** `NameTotalLengthMax`. */
export const NAME_TOTAL_LENGTH_MAX = 255;

/** The longest reference worth matching: name + tag + digest (bounds the pattern's work). */
export const MAX_REFERENCE_LENGTH = NAME_TOTAL_LENGTH_MAX + 130 + 140;

/** go-digest's algorithms and their encoded lengths (hex characters). */
export const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** A parsed, valid image reference. `domain` is as written, and absent for Docker Hub names (no docker.io added). */
export interface ImageReference {
    /** Registry host[:port], when the name has one. */
    domain?: string;
    /** Repository path, e.g. `vllm/vllm-openai`. */
    path: string;
    tag?: string;
    /** `algorithm:hex`, e.g. `sha256:<64 hex>`. */
    digest?: string;
}

export type ParsedReference = { ok: true; ref: ImageReference } | { ok: false; problem: string };

/** Why a digest is not one go-digest accepts, or undefined. */
function digestProblem(digest: string): string | undefined {
    const [algorithm, hex] = digest.split(":", 2);
    const want = DIGEST_HEX_LENGTH[algorithm];
    if (want === undefined) return `digest with an unsupported algorithm "${algorithm}" (sha256, sha384 or sha512)`;
    if (hex.length !== want || !/^[a-f0-9]+$/.test(hex)) return `malformed digest (expected ${algorithm}: followed by ${want} lower-case hex characters)`;
    return undefined;
}

/** Parses `image` like `reference.Parse`; the problem names what is wrong. Never throws. */
export function parseImageReference(image: string): ParsedReference {
    const fail = (problem: string): ParsedReference => ({ ok: false, problem });
    if (image === "") return fail("image is empty");
    if (image.trim() !== image) return fail(`image "${image}" has leading or trailing whitespace (the API server refuses it)`);
    // Bounds the regexp's work: a valid reference is at most name + tag + digest long.
    if (image.length > MAX_REFERENCE_LENGTH) return fail(`image "${image.slice(0, 40)}..." is too long to be an image reference`);
    const m = REFERENCE_RE.exec(image);
    if (!m) {
        if (image.toLowerCase() !== image && REFERENCE_RE.test(image.toLowerCase())) {
            return fail(`image "${image}" has upper-case letters in its repository name, which must be lower case`);
        }
        const at = image.indexOf("@");
        if (at > 0 && REFERENCE_RE.test(image.slice(0, at))) {
            return fail(`image "${image}" has a malformed digest "${image.slice(at + 1)}" (expected sha256: followed by 64 lower-case hex characters)`);
        }
        if (/[<>{}$]/.test(image)) {
            return fail(`image "${image}" is a template placeholder, not an image reference (render or fill it in first)`);
        }
        return fail(`image "${image}" is not a valid image reference ([registry[:port]/]repository[:tag][@sha256:digest], lower-case repository)`);
    }
    const [, name, tag, digest] = m;
    if (name.length > NAME_TOTAL_LENGTH_MAX) return fail(`image "${image}" has a repository name longer than ${NAME_TOTAL_LENGTH_MAX} characters`);
    if (digest !== undefined) {
        const problem = digestProblem(digest);
        if (problem) return fail(`image "${image}" has a ${problem}`);
    }
    const n = NAME_RE.exec(name)!;
    // As docker's splitDockerDomain: a first segment without "." or ":" that is not localhost
    // (and is lower case) is part of the path on Docker Hub, not a registry (`vllm/vllm-openai`).
    const hubPath = n[1] !== undefined && !/[.:]/.test(n[1]) && n[1] !== "localhost" && n[1].toLowerCase() === n[1];
    const ref: ImageReference = hubPath || n[1] === undefined ? { path: name } : { domain: n[1], path: n[2] };
    if (tag !== undefined) ref.tag = tag;
    if (digest !== undefined) ref.digest = digest;
    return { ok: true, ref };
}

/** Why `image` is not a valid reference, or undefined when it parses. */
export function imageReferenceProblem(image: string): string | undefined {
    const r = parseImageReference(image);
    return r.ok ? undefined : r.problem;
}

/** The reference as written: `[domain/]path[:tag][@digest]` (parse and format round-trip). */
export function formatImageReference(ref: ImageReference): string {
    return `${ref.domain ? ref.domain + "/" : ""}${ref.path}${ref.tag !== undefined ? ":" + ref.tag : ""}${ref.digest !== undefined ? "@" + ref.digest : ""}`;
}
