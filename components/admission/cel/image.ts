/**
 * vllm-image-pinned in CEL: policy/policies/vllmImagePinned.ts with the reference grammar of
 * packages/kube-parser/src/reference.ts (distribution/reference v0.6.0) and imagePinProblem
 * (image.ts), message for message. RE2 runs the grammar as written (it does not backtrack).
 */
import {
    DIGEST_HEX_LENGTH,
    FLOATING_TAGS,
    IMAGE_DIGEST_FIX,
    IMAGE_PIN_FIX,
    IMAGE_PLACEHOLDER_PART,
    MAX_REFERENCE_LENGTH,
    REFERENCE_PATTERN,
} from "@vllm-pulumi/kube-parser";
import { CelVariable, firstOf, record, str, strList } from "./lang";

/** Template values are vllm-values-literal's business (isTemplated in templates.ts). */
const TEMPLATED = `x.image.matches(${str("\\{\\{-?\\s*[^{}]*?\\s*-?\\}\\}")}) || x.image.matches(${str("\\$(\\{[A-Za-z_]|\\([A-Za-z_]|[A-Za-z_])")})`;

const IMG = `'image "' + x.image + '"'`;
const VALID = (e: string) => `${e}.matches(${str(REFERENCE_PATTERN)})`;
const DIGEST_PART = "x.image.substring(x.image.indexOf('@') + 1)";
const ALGORITHM = `${DIGEST_PART}.split(':')[0]`;
const HEX = `${DIGEST_PART}.substring(${DIGEST_PART}.indexOf(':') + 1)`;
const NAME_AND_TAG = "x.image.split('@')[0]";
/** The tag of a valid reference: after the last ':' that follows the last '/' (a ':' before it is a port). */
const TAG_OF = `(${NAME_AND_TAG}.lastIndexOf(':') > ${NAME_AND_TAG}.lastIndexOf('/') ? ${NAME_AND_TAG}.substring(${NAME_AND_TAG}.lastIndexOf(':') + 1) : '')`;
const NAME_OF = `(${NAME_AND_TAG}.lastIndexOf(':') > ${NAME_AND_TAG}.lastIndexOf('/') ? ${NAME_AND_TAG}.substring(0, ${NAME_AND_TAG}.lastIndexOf(':')) : ${NAME_AND_TAG})`;

function digestProblem(): string {
    const cases = Object.entries(DIGEST_HEX_LENGTH).map(
        ([alg, n]): [string, string] => [
            `${ALGORITHM} == ${str(alg)}`,
            `(${HEX}.size() == ${n} && ${HEX}.matches('^[a-f0-9]+$')) ? '' : ${IMG} + ' has a malformed digest (expected ${alg}: followed by ${n} lower-case hex characters)'`,
        ],
    );
    return firstOf(cases, `${IMG} + ' has a digest with an unsupported algorithm "' + ${ALGORITHM} + '" (sha256, sha384 or sha512)'`);
}

/**
 * The placeholder an image is or holds (imagePlaceholder in image.ts): the whole reference, a path
 * segment or a tag that is not a floating one; '' when none. Template variables are not placeholders.
 */
const PLACEHOLDER_NAME = "x.image.split('@')[0]";
const PLACEHOLDER_HAS_TAG = `${PLACEHOLDER_NAME}.lastIndexOf(':') > ${PLACEHOLDER_NAME}.lastIndexOf('/')`;
const PLACEHOLDER_TAG = `${PLACEHOLDER_NAME}.substring(${PLACEHOLDER_NAME}.lastIndexOf(':') + 1)`;
const PLACEHOLDER_PATH = `(${PLACEHOLDER_HAS_TAG} ? ${PLACEHOLDER_NAME}.substring(0, ${PLACEHOLDER_NAME}.lastIndexOf(':')) : ${PLACEHOLDER_NAME})`;
const PLACEHOLDER = firstOf(
    [
        ["x.image.matches('[${}]') || x.image.size() > 1000", "''"],
        [`x.image.matches(${str(IMAGE_PLACEHOLDER_PART)})`, "x.image"],
    ],
    `((${PLACEHOLDER_PATH}.split('/') + (${PLACEHOLDER_HAS_TAG} && !(${PLACEHOLDER_TAG}.lowerAscii() in ${strList(FLOATING_TAGS)}) ? [${PLACEHOLDER_TAG}] : []))` +
        `.filter(p, p.matches(${str(IMAGE_PLACEHOLDER_PART)})) + [''])[0]`,
);

/** Why the reference is not pinned, or '' (parseImageReference, then imagePinProblem). */
function pinProblem(requireDigest: boolean): string {
    const floating = `${TAG_OF}.lowerAscii() in ${strList(FLOATING_TAGS)}`;
    const afterParse: Array<[string, string]> = requireDigest
        ? [
              ["x.image.contains('@')", `${ALGORITHM} == 'sha256' ? '' : ${IMG} + ' is not pinned by a sha256 digest, which this stack requires'`],
              ["true", `${IMG} + ' is not pinned by digest (@sha256:...), which this stack requires'`],
          ]
        : [
              ["x.image.contains('@')", "''"],
              [`${TAG_OF} == ''`, `${IMG} + ' has no tag, so it floats to :latest'`],
              [floating, `${IMG} + ' uses the floating tag "' + ${TAG_OF} + '"'`],
          ];
    return firstOf(
        [
            ["x.image == ''", "'image is empty'"],
            ["x.placeholder == x.image", `${IMG} + ' is a placeholder, not an image: fill in the real image'`],
            [
                "x.placeholder != ''",
                `${IMG} + ' holds the placeholder "' + x.placeholder + '": fill in the real ' + (x.image.endsWith(':' + x.placeholder) ? 'tag' : 'name')`,
            ],
            ["x.image.trim() != x.image", `${IMG} + ' has leading or trailing whitespace (the API server refuses it)'`],
            [`x.image.size() > ${MAX_REFERENCE_LENGTH}`, `'image "' + x.image.substring(0, 40) + '..." is too long to be an image reference'`],
            [`!${VALID("x.image")} && ${VALID("x.image.lowerAscii()")}`, `${IMG} + ' has upper-case letters in its repository name, which must be lower case'`],
            [
                `!${VALID("x.image")} && x.image.indexOf('@') > 0 && ${VALID(NAME_AND_TAG)}`,
                `${IMG} + ' has a malformed digest "' + ${DIGEST_PART} + '" (expected sha256: followed by 64 lower-case hex characters)'`,
            ],
            [`!${VALID("x.image")} && x.image.matches('[<>{}$]')`, `${IMG} + ' is a template placeholder, not an image reference (render or fill it in first)'`],
            [
                `!${VALID("x.image")}`,
                `${IMG} + ' is not a valid image reference ([registry[:port]/]repository[:tag][@sha256:digest], lower-case repository)'`,
            ],
            [`${NAME_OF}.size() > 255`, `${IMG} + ' has a repository name longer than 255 characters'`],
            [`x.image.contains('@') && (${digestProblem()}) != ''`, digestProblem()],
            ...afterParse,
        ],
        "''",
    );
}

/** Variables after WORKLOAD_VARIABLES: every vLLM container's problem (image rules apply to init containers too). */
export function imageVariables(requireDigest: boolean): CelVariable[] {
    const fix = requireDigest ? IMAGE_DIGEST_FIX : IMAGE_PIN_FIX;
    return [
        {
            name: "pinTargets",
            expression: `variables.procs.filter(x, (x.vllmImage || x.start >= 0) && !(${TEMPLATED})).map(x, ${record({ label: "x.label", image: "x.image", placeholder: PLACEHOLDER })})`,
        },
        {
            name: "imageProblems",
            expression:
                `variables.pinTargets.map(x, ${record({ label: "x.label", problem: pinProblem(requireDigest) })})` +
                `.filter(p, p.problem != '')` +
                `.map(p, p.label + ': ' + p.problem + '. ' + ${str(fix)} + '.')`,
        },
    ];
}
