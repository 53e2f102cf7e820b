import type { ResourceValidationPolicy } from "@pulumi/policy";
import { objectOf } from "./util";
import { parallelismVerdicts, REMEDIATION } from "./parallelism";

/**
 * A TP flag or GPU count that is still a template variable (`${TP}`, `$(TP)` from a ConfigMap,
 * `{{ .Values.tp }}`) cannot be compared, so `vllm-tp-matches-gpus` cannot protect it. Advisory:
 * an unknown is not a mismatch.
 */
export const vllmTpResolvable: ResourceValidationPolicy = {
    name: "vllm-tp-resolvable",
    description: "A vLLM server's parallelism flags and GPU count must be literal (or the same template variable on both sides) so that vllm-tp-matches-gpus can check them.",
    enforcementLevel: "advisory",
    remediationSteps: `${REMEDIATION} Render Helm charts (helm template) before checking them.`,
    validateResource: (args, reportViolation) => {
        const obj = objectOf(args);
        if (!obj) return;
        for (const v of parallelismVerdicts(obj)) {
            if (v.kind === "unresolved") reportViolation(v.message);
        }
    },
};
