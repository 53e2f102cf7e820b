import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { containerLabel, containersOf, IMAGE_DIGEST_FIX, IMAGE_PIN_FIX, imagePinProblem, isTemplated, isVllmContainer } from "@vllm-pulumi/kube-parser";
import { configOf, objectOf } from "./util";

const configSchema: PolicyConfigSchema = {
    properties: {
        requireDigest: {
            type: "boolean",
            default: false,
            description: "Only accept images pinned by digest (@sha256:...), e.g. for production stacks.",
        },
    },
};

/**
 * A floating image (no tag, `latest`, `nightly`, a template placeholder) silently changes
 * the vLLM version on the next pod restart: metric names, flags and defaults shift under
 * the HPA and the SLO rules.
 */
export const vllmImagePinned: ResourceValidationPolicy = {
    name: "vllm-image-pinned",
    description: "A vLLM container's image must be pinned to a version tag or a sha256 digest.",
    enforcementLevel: "mandatory",
    configSchema,
    remediationSteps:
        "Set the image to an exact release tag (vllm/vllm-openai:v0.11.0) or a digest (vllm/vllm-openai@sha256:<64 hex>). " +
        "Never use latest, nightly or no tag. With requireDigest set, only digests are accepted.",
    validateResource: (args, reportViolation) => {
        const obj = objectOf(args);
        if (!obj) return;
        const { requireDigest } = configOf<{ requireDigest: boolean }>(args, configSchema);
        for (const ref of containersOf(obj)) {
            if (!isVllmContainer(ref.container)) continue;
            const image = typeof ref.container.image === "string" ? ref.container.image : "";
            if (isTemplated(image)) continue; // a template variable: vllm-values-literal says it cannot be checked
            const problem = imagePinProblem(image, { requireDigest });
            if (problem) {
                const fix = requireDigest ? IMAGE_DIGEST_FIX : IMAGE_PIN_FIX;
                reportViolation(`${containerLabel(ref)}: ${problem}. ${fix}.`);
            }
        }
    },
};
