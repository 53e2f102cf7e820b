/**
 * `npm run admission:yaml`: writes admission/vllm-guardrails.yaml (committed; a unit test fails
 * when it is stale) from components/admission with the levels of the pack's prod config
 * (policy/config/prod.json). `--check` only reports whether it is up to date (exit 1 when not).
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "node:util";
import { enforcementFromPackConfig, EnforcementLevel, guardrailsYaml, RuleId } from "../components/admission";
import { REPO_ROOT } from "../env/repo";

export const GUARDRAILS_YAML = path.join(REPO_ROOT, "admission", "vllm-guardrails.yaml");
export const PROD_PACK_CONFIG = path.join(REPO_ROOT, "policy", "config", "prod.json");

/** Reads a pack config file (policy/config/prod.json) into admission levels. */
export function enforcementFromPackConfigFile(file: string): Record<RuleId, EnforcementLevel> {
    return enforcementFromPackConfig(JSON.parse(fs.readFileSync(file, "utf8")));
}

/** The text admission/vllm-guardrails.yaml should have: every rule at the prod config's levels. */
export function committedGuardrailsYaml(): string {
    return guardrailsYaml({ enforcement: enforcementFromPackConfigFile(PROD_PACK_CONFIG) });
}

function main(): void {
    const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
    const text = committedGuardrailsYaml();
    const current = fs.existsSync(GUARDRAILS_YAML) ? fs.readFileSync(GUARDRAILS_YAML, "utf8") : "";
    if (values.check) {
        if (current !== text) {
            console.error(`${GUARDRAILS_YAML} is stale: run npm run admission:yaml`);
            process.exit(1);
        }
    } else if (current !== text) {
        fs.writeFileSync(GUARDRAILS_YAML, text);
        console.log(`wrote ${GUARDRAILS_YAML}`);
    } else {
        console.log(`${GUARDRAILS_YAML} is up to date`);
    }
}

if (require.main === module) main();
