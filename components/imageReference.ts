/**
 * Is an image reference valid at all (before "is it pinned")? The grammar is
 * github.com/distribution/reference v0.6.0 (regexp.go), the one container runtimes parse with:
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [domain "/"] path-component ("/" path-component)*     (at most 255 characters)
 *   path-component := [a-z0-9]+ (separator [a-z0-9]+)*   separator := [._] | "__" | "-"+
 *   domain    := host [":" port]   host := domain-name | "[" ipv6 "]"
 *   tag       := [\w][\w.-]{0,127}
 *   digest    := algorithm ":" hex{32,}
 *
 * The API server only refuses an empty image or one with surrounding whitespace; everything else
 * (upper case, spaces) is accepted and then fails on the node with InvalidImageName.
 * TODO(lead): move into @vllm-pulumi/kube-parser next to parseImageRef once it validates the grammar.
 */
const ALNUM = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[(?:[a-fA-F0-9:]+)\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;

/** distribution/reference's `ReferenceRegexp`: name, tag, digest captured. */
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);

/** `RepositoryNameTotalLengthMax`. */
export const REPOSITORY_NAME_MAX = 255;

/** Why `image` is not a valid reference, or undefined when it parses. */
export function imageReferenceProblem(image: string): string | undefined {
    if (image === "") return "image is empty";
    if (image.trim() !== image) return `image "${image}" has leading or trailing whitespace (the API server refuses it)`;
    const m = REFERENCE.exec(image);
    if (!m) {
        // The same diagnosis distribution/reference gives: upper case is the common mistake.
        return image.toLowerCase() !== image && REFERENCE.test(image.toLowerCase())
            ? `image "${image}" has upper-case letters in its repository name, which must be lower case`
            : `image "${image}" is not a valid image reference ([registry[:port]/]repository[:tag][@sha256:digest], lower-case repository)`;
    }
    // The grammar lets "VLLM/x" be a registry host; runtimes only take a first component as a host
    // when it has a "." or ":" or is localhost, so this is a repository with upper-case letters.
    const first = m[1].split("/")[0];
    if (m[1].includes("/") && !/[.:]/.test(first) && first !== "localhost" && first !== first.toLowerCase()) {
        return `image "${image}" has upper-case letters in its repository name, which must be lower case`;
    }
    if (m[1].length > REPOSITORY_NAME_MAX) return `image "${image}" has a repository name longer than ${REPOSITORY_NAME_MAX} characters`;
    return undefined;
}
