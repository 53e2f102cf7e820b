/**
 * Pulumi.yaml, the program, the component's defaults and the README's config reference
 * must agree, so a key can never be documented but ignored, read but undocumented, or
 * defaulted differently by the engine and by the component.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DEFAULTS } from "../../components/defaults";
import { SLO_DEFAULTS } from "../../components/slo/settings";
import { projectConfig, renderSection, SECRET_KEYS } from "../../scripts/config-reference";
import { REPO_ROOT, stackConfig } from "../support/renderStack";

describe("configuration reference", () => {
    const schema = projectConfig();
    const declared = Object.keys(schema).sort();

    it("declares in Pulumi.yaml exactly the keys index.ts reads, except the two secrets", () => {
        const program = fs.readFileSync(path.join(REPO_ROOT, "index.ts"), "utf8");
        const read = [...program.matchAll(/(?:config\.(?:get|require)\w*(?:<[^>]+>)?|optional)\("(\w+)"\)/g)].map((m) => m[1]);
        expect([...new Set(read)].sort()).to.deep.equal([...declared, ...Object.keys(SECRET_KEYS)].sort());
    });

    it("gives every optional key the component's own default, so engine and component agree", () => {
        const componentDefaults: Record<string, unknown> = { ...DEFAULTS, ...SLO_DEFAULTS };
        for (const [key, value] of Object.entries(componentDefaults)) {
            expect(schema[key]?.default, key).to.deep.equal(value);
        }
        const rest = declared.filter((k) => !(k in componentDefaults));
        expect(Object.fromEntries(rest.map((k) => [k, schema[k].default]))).to.deep.equal({
            model: undefined, modelRevision: undefined, // required
            name: "vllm-server", // the program's component name
            hfTokenSecretName: "", adapterNamespace: "", grafanaDashboardNamespace: "", // "" = unset
        });
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
