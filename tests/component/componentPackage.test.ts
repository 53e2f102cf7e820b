/**
 * components/ must stay publishable as a multi-language component package: Pulumi's own
 * analyzer (the one `pulumi package add` runs) has to derive a schema from its TypeScript types.
 */
import { expect } from "chai";
import { componentSchema } from "../../scripts/config-schema";

describe("component package schema", function () {
    this.timeout(120_000); // type-checks the whole package
    let schema: ReturnType<typeof componentSchema>;
    before(() => {
        schema = componentSchema(); // shared with the config schema tests: one analysis per run
    });

    it("exposes VllmService with required model and revision and documented optional args", () => {
        const { inputs } = schema.components.VllmService;
        expect(inputs.model).to.deep.include({ type: "string", plain: true });
        expect(inputs.model.optional).to.equal(undefined);
        expect(inputs.modelRevision.optional).to.equal(undefined);
        expect(inputs.tensorParallelSize).to.deep.include({ type: "number", optional: true });
        expect(inputs.tensorParallelSize.description).to.match(/nvidia\.com\/gpu/);
        expect(inputs.sloObjective, "SLO args are inherited").to.deep.include({ type: "number", optional: true });
        for (const [name, def] of Object.entries(inputs)) {
            expect(def.description, `${name} has TSDoc`).to.be.a("string").and.not.equal("");
        }
    });

    it("takes the HF token as an input (it may be a secret Output)", () => {
        expect(schema.components.VllmService.inputs.hfToken.plain).to.equal(undefined);
    });

    it("has plain data args only: no unions, no callbacks, maps of strings", () => {
        const { inputs } = schema.components.VllmService;
        expect(inputs.labels).to.deep.include({ type: "object", additionalProperties: { type: "string", plain: true } });
        expect(inputs.extraArgs).to.deep.include({ type: "array" });
        expect(schema.typeDefinitions).to.deep.equal({});
    });

    it("declares the outputs the program exports", () => {
        expect(Object.keys(schema.components.VllmService.outputs).sort()).to.deep.equal(
            ["adapterRules", "adapterSettings", "apiKey", "deploymentName", "hpaName", "namespace", "servedModelName", "serviceName", "url"].sort());
    });
});
