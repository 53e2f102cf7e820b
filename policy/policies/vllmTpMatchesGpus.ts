import type { ResourceValidationPolicy } from "@pulumi/policy";
import { objectOf } from "./util";
import { parallelismVerdicts, REMEDIATION } from "./parallelism";

/**
 * vLLM starts one worker per GPU of its world (TP x PP x DP); when the pod (or the
 * LeaderWorkerSet group) has fewer GPUs than that, the server hangs at startup waiting for
 * workers that never come; with more, GPUs sit idle. Values that are still template variables
 * are `vllm-values-literal`'s business, never a violation here.
 */
export const vllmTpMatchesGpus: ResourceValidationPolicy = {
    name: "vllm-tp-matches-gpus",
    description:
        "A vLLM server's tensor-parallel size (x pipeline-parallel x data-parallel size) must equal its nvidia.com/gpu limit and request; in a LeaderWorkerSet, the group's GPUs (size x GPUs per pod).",
    enforcementLevel: "mandatory",
    remediationSteps: REMEDIATION,
    validateResource: (args, reportViolation) => {
        const obj = objectOf(args);
        if (!obj) return;
        for (const v of parallelismVerdicts(obj)) {
            if (v.kind === "mismatch") reportViolation(v.message);
        }
    },
};
