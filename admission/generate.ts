/**
 * `npm run admission:yaml`: writes admission/vllm-guardrails.yaml (committed; a unit test fails
 * when it is stale). `--check` only reports whether it is up to date (exit 1 when not).
 */
import * as fs from "fs";
import { parseArgs } from "node:util";
import { GUARDRAILS_YAML, guardrailsYaml } from "./yaml";

const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
const text = guardrailsYaml();
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
