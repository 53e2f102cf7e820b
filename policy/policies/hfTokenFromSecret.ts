import type { ResourceValidationPolicy } from "@pulumi/policy";
import { commandTokens, containerLabel, containersOf, findFlag } from "@vllm-pulumi/kube-parser";
import { objectOf } from "./util";

/** Env vars that huggingface_hub (and therefore vLLM) reads a token from. */
export const HF_TOKEN_ENV: readonly string[] = ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HUGGINGFACE_HUB_TOKEN", "HUGGINGFACE_TOKEN", "HF_API_TOKEN", "HUGGINGFACEHUB_API_TOKEN"];

/** A Hugging Face user access token: `hf_` followed by 30+ letters and digits. */
const HF_TOKEN_RE = /\bhf_[A-Za-z0-9]{30,}\b/;

/** A value that only references another env var (`$(HF_TOKEN)`, `$HF_TOKEN`) is not a literal. */
const REFERENCE_RE = /^\$(\([A-Za-z_][A-Za-z0-9_]*\)|\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * The raw `value` of an env entry. Read through the property descriptor so that a computed
 * value that is unknown during preview counts as "not a literal token" instead of aborting
 * the whole policy.
 */
function rawValue(entry: any): unknown {
    return entry ? Object.getOwnPropertyDescriptor(entry, "value")?.value : undefined;
}

/**
 * A token in the pod spec is readable by anyone who can read the Deployment (and it sits in
 * Pulumi state, CI logs and `kubectl get -o yaml`); a secretKeyRef keeps it in a Secret.
 */
export const hfTokenFromSecret: ResourceValidationPolicy = {
    name: "hf-token-from-secret",
    description: "A Hugging Face token must come from a Secret (env valueFrom.secretKeyRef), never a literal env value or --hf-token argument.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Store the token in a Secret and reference it: env { name: HF_TOKEN, valueFrom: { secretKeyRef: { name: hf, key: token } } }. " +
        "Rotate a token that was ever committed as a literal.",
    validateResource: (args, reportViolation) => {
        const obj = objectOf(args);
        if (!obj) return;
        for (const ref of containersOf(obj)) {
            const who = containerLabel(ref);
            const env: any[] = Array.isArray(ref.container?.env) ? ref.container.env : [];
            for (const entry of env) {
                const name = entry?.name;
                const value = rawValue(entry);
                if (typeof value !== "string" || value === "" || REFERENCE_RE.test(value)) continue;
                if (HF_TOKEN_ENV.includes(name)) {
                    // Also when the value is computed (unknown in preview): it still lands in the spec.
                    reportViolation(`${who}: env ${name} is a literal value (redacted). Use valueFrom.secretKeyRef instead.`);
                } else if (HF_TOKEN_RE.test(value)) {
                    reportViolation(`${who}: env ${name} holds a literal Hugging Face token (hf_..., redacted). Use valueFrom.secretKeyRef instead.`);
                }
            }
            // No env expansion: `--hf-token $(HF_TOKEN)` must stay a reference, not become the value.
            const argv = commandTokens(ref.container?.command, ref.container?.args);
            const flag = findFlag(argv, ["--hf-token"]);
            if (flag && flag.raw !== "" && !REFERENCE_RE.test(flag.raw)) {
                reportViolation(`${who}: ${flag.flag} is given a literal token (redacted). Remove it and set HF_TOKEN from a Secret with valueFrom.secretKeyRef.`);
            } else if (argv.some(a => HF_TOKEN_RE.test(a))) {
                reportViolation(`${who}: command/args contain a literal Hugging Face token (hf_..., redacted). Set HF_TOKEN from a Secret with valueFrom.secretKeyRef.`);
            }
        }
    },
};
