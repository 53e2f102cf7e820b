/**
 * Pulumi.yaml, the program, the component's defaults and the README's config reference
 * must agree, so a key can never be documented but ignored, or read but undocumented.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DEFAULTS } from "../../components/defaults";
import { SLO_DEFAULTS } from "../../components/slo/settings";
import { projectConfig, renderSection } from "../../scripts/config-reference";
import { REPO_ROOT, stackConfig } from "../support/renderStack";

describe("configuration reference", () => {
    const declared = Object.keys(projectConfig()).sort();

    it("declares in Pulumi.yaml exactly the keys index.ts reads", () => {
        const program = fs.readFileSync(path.join(REPO_ROOT, "index.ts"), "utf8");
        const read = [...program.matchAll(/config\.(?:get|require)\w*(?:<[^>]+>)?\("(\w+)"\)/g)].map((m) => m[1]).sort();
        expect(read).to.deep.equal(declared);
    });

    it("has a default (or an explained absence of one) for every key", () => {
        const withDefault = [...Object.keys(DEFAULTS), ...Object.keys(SLO_DEFAULTS)];
        const without = declared.filter((k) => !withDefault.includes(k)).sort();
        expect(without).to.deep.equal(["adapterNamespace", "apiKey", "grafanaDashboardNamespace", "hfToken", "hfTokenSecretName", "model", "modelRevision", "name"]);
        for (const key of withDefault) {
            expect(declared, `${key} has a default but is not in Pulumi.yaml`).to.include(key);
        }
    });

    it("uses only declared keys in the stack files", () => {
        for (const stack of ["dev", "prod"]) {
            for (const key of Object.keys(stackConfig(stack))) {
                expect(declared, `Pulumi.${stack}.yaml sets ${key}`).to.include(key);
            }
        }
    });

    it("is rendered into the README verbatim (run `npm run docs:config` after changing a key)", () => {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        expect(readme).to.contain(renderSection());
    });
});
