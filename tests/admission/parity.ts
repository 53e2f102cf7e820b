/**
 * The two verdicts the parity test compares, per object and rule: check-manifests' (the pack's
 * policies run in-process on the fixture's objects, as the CLI runs them) and admission's (the
 * policies' messages as the API server returned them). Plus the explicit list of what CEL cannot
 * see, each with its reason.
 */
import * as fs from "fs";
import * as path from "path";
import type { PolicyPackConfig } from "@pulumi/policy";
import { kubeObject, objectRef } from "@vllm-pulumi/kube-parser";
import { EnforcementLevel, RULE_IDS, RuleId } from "../../components/admission";
import { policies } from "../../policy/policies";
import { PolicyInput, runPolicies } from "../../policy/runPolicies";
import { readManifestFile } from "../../scripts/check-manifests/read";
import { PolicyMessage } from "./dryRun";

export type Verdict = "deny" | "warn" | "allow";
export const FIXTURES_DIR = path.join(__dirname, "..", "fixtures");

export interface ObjectCase {
    /** Fixture file name, or the name of a case built in the test. */
    source: string;
    /** `Kind/namespace/name`. */
    ref: string;
    input: PolicyInput;
}

/** Every object of every fixture file; files that are not Kubernetes objects are returned apart. */
export function fixtureCases(): { cases: ObjectCase[]; unreadable: Array<{ source: string; error: string }> } {
    const cases: ObjectCase[] = [];
    const unreadable: Array<{ source: string; error: string }> = [];
    for (const file of fs.readdirSync(FIXTURES_DIR).filter(f => /\.ya?ml$/.test(f)).sort()) {
        const r = readManifestFile(path.join(FIXTURES_DIR, file));
        if (r.error) unreadable.push({ source: file, error: r.error });
        for (const input of r.resources) cases.push({ source: file, ref: objectRef(kubeObject(input.type, input.props)!, input.name), input });
    }
    return { cases, unreadable };
}

/** A case built from an object in the test (apiVersion/kind/metadata set). */
export function objectCase(source: string, body: Record<string, any>): ObjectCase {
    const [group, version] = body.apiVersion.includes("/") ? body.apiVersion.split("/") : ["core", body.apiVersion];
    const input = { type: `kubernetes:${group}/${version}:${body.kind}`, name: body.metadata.name, props: body };
    return { source, ref: objectRef(kubeObject(input.type, body)!, input.name), input };
}

export interface RuleVerdict {
    verdict: Verdict;
    messages: string[];
}
export type Verdicts = Record<RuleId, RuleVerdict>;

const levelVerdict = (level: string): Verdict => (level === "mandatory" ? "deny" : level === "advisory" ? "warn" : "allow");

/** check-manifests' verdicts for one object under a pack config (only the admission rules). */
export async function packVerdicts(c: ObjectCase, config: PolicyPackConfig): Promise<Verdicts> {
    const rules = policies.filter(p => (RULE_IDS as readonly string[]).includes(p.name));
    const violations = await runPolicies(rules, [c.input], config, { manifests: true });
    return Object.fromEntries(
        RULE_IDS.map(id => {
            const mine = violations.filter(v => v.policy === id);
            return [id, { verdict: mine.length ? levelVerdict(mine[0].enforcementLevel) : "allow", messages: mine.map(v => v.message) }];
        }),
    ) as Verdicts;
}

/** Admission's verdicts from every policy's message (bindings all Warn), at the levels the bindings would have. */
export function admissionVerdicts(flagged: PolicyMessage[], levels: Record<RuleId, EnforcementLevel>): Verdicts {
    return Object.fromEntries(
        RULE_IDS.map(id => {
            const mine = flagged.filter(w => w.policy === id);
            return [id, { verdict: mine.length ? levelVerdict(levels[id]) : "allow", messages: mine.map(w => w.message) }];
        }),
    ) as Verdicts;
}

/**
 * The pack's messages as one admission message: joined by a space, without the ones about
 * requests — the API server itself refuses a GPU request that differs from the limit (or a
 * request without a limit) before admission, so the policy only words the limit.
 */
export function expectedAdmissionMessage(packMessages: string[]): string {
    return packMessages.filter(m => !/ but requests "[^"]+" is /.test(m)).join(" ");
}

/**
 * Where admission and check-manifests are allowed to differ, and why: what one CEL policy
 * cannot see. Each entry must still differ (a stale entry fails the test).
 */
export const CEL_CANNOT_SEE: ReadonlyArray<{ source: string; rule: RuleId | "*"; reason: string }> = [
    // Not Kubernetes objects: nothing reaches the API server; check-manifests reports the file.
    { source: "invalid-yaml.yaml", rule: "*", reason: "invalid YAML, never sent" },
    { source: "not-a-kubernetes-object.yaml", rule: "*", reason: "no apiVersion/kind, never sent" },
    // Refused by the API server itself, before any admission policy runs.
    { source: "helm-unrendered-unquoted.yaml", rule: "*", reason: "an unrendered Helm template: `{{ ... }}` where a number belongs fails decoding" },
    { source: "helm-unrendered-values.yaml", rule: "*", reason: "an unrendered Helm template: `{{ ... }}` as a GPU quantity fails decoding" },
    { source: "tp-same-template-variable.yaml", rule: "*", reason: "`${TP}` as a GPU quantity fails decoding (envsubst was not run)" },
    { source: "tp-different-template-variables.yaml", rule: "*", reason: "`${GPUS}` as a GPU quantity fails decoding (envsubst was not run)" },
    { source: "tp-request-mismatch.yaml", rule: "*", reason: "validation refuses a GPU request that differs from the limit; the pack calls it a TP mismatch, the API server an invalid object" },
    { source: "hpa-v2beta2-dcgm-gpu-util.yaml", rule: "*", reason: "autoscaling/v2beta2 is no longer served (removed in Kubernetes 1.26)" },
    // Objects across kinds: the server runs in pods another object's controller creates, whose
    // pod templates (and Pods) admission does check when they are created.
    { source: "kserve-clusterservingruntime-tp-mismatch.yaml", rule: "*", reason: "KServe runtime: its GPUs come from each InferenceService (another object); KServe's Deployments are checked" },
    { source: "kserve-inferenceservice-custom-vllm.yaml", rule: "*", reason: "KServe InferenceService: merged with a runtime (another object) into the Deployment KServe creates, which is checked" },
    { source: "kserve-inferenceservice-huggingface.yaml", rule: "*", reason: "KServe InferenceService: not a pod template; its Deployment is checked" },
    { source: "kserve-servingruntime-vllm-latest.yaml", rule: "*", reason: "KServe runtime: a template for pods KServe creates; those are checked" },
    { source: "kserve-llm-config-go-template.yaml", rule: "*", reason: "KServe config with Go templates KServe fills in; not a pod template" },
    { source: "kubeai-model-tp-match.yaml", rule: "*", reason: "KubeAI Model: the operator picks the image and builds the pod from a resource profile (its own config); the Pods it creates are checked" },
    { source: "kubeai-model-tp-mismatch.yaml", rule: "*", reason: "KubeAI Model: as above; the pack judges the Model's own args and profile" },
    { source: "dynamo-graph-tp-mismatch.yaml", rule: "*", reason: "Dynamo graph: the operator builds the pods; the pack judges the graph's fields, admission the pods it creates" },
    { source: "unknown-kinds.yaml", rule: "*", reason: "custom kinds (RayService, InferencePool, Model) no policy matches and this cluster does not serve" },
    // What one CEL policy cannot read that the pack's shell parser does.
    { source: "built: sh -c script with TP 4 from $TP, 2 GPUs", rule: "vllm-tp-matches-gpus", reason: "`$VAR` inside a `sh -c` script is not expanded in CEL: the flag's value stays \"$TP\", not a number, so it passes" },
];
