import type { ResourceValidationPolicy } from "@pulumi/policy";
import { containerLabel, containersOf, isTemplated, isVllmContainer } from "@vllm-pulumi/kube-parser";
import { objectOf } from "./util";
import { parallelismVerdicts, REMEDIATION, templateHint } from "./parallelism";

/**
 * A value the pack checks that is still a template variable (`${TP}`, `$(TP)` from a ConfigMap,
 * `{{ .Values.tp }}`, an image `vllm/vllm-openai:${TAG}`) cannot be judged, so the mandatory
 * policies cannot protect it. Advisory: an unknown is not a violation of theirs.
 */
export const vllmValuesLiteral: ResourceValidationPolicy = {
    name: "vllm-values-literal",
    description:
        "The values the pack checks on a vLLM container (image, parallelism flags, GPU counts) must be literal, or the same template variable on both sides of the TP/GPU match, so they can be checked.",
    enforcementLevel: "advisory",
    remediationSteps: `${REMEDIATION} Render Helm charts (helm template) and fill in envsubst-style variables before checking.`,
    validateResource: (args, reportViolation) => {
        const obj = objectOf(args);
        if (!obj) return;
        for (const ref of containersOf(obj)) {
            const image = ref.container?.image;
            if (isTemplated(image) && isVllmContainer(ref.container)) {
                reportViolation(`${containerLabel(ref)}: cannot check that image "${image}" is pinned: it is a template variable. ${templateHint([image], "Fill it in before checking.")}`);
            }
        }
        for (const v of parallelismVerdicts(obj)) {
            if (v.kind === "unresolved") reportViolation(v.message);
        }
    },
};
