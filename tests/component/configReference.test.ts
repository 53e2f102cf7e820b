/**
 * One source for config: components/args.ts. Pulumi.yaml's config block and the README table are
 * rendered from the schema derived from it, and index.ts reads whatever Pulumi.yaml declares; these
 * tests fail when any of them drifts (run `npm run docs:config` after changing an arg).
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DEFAULTS } from "../../components/defaults";
import { SLO_DEFAULTS } from "../../components/slo/settings";
import { ConfigKey, deriveConfigSchema, firstSentence } from "../../scripts/config-schema";
import { declaredConfig, renderPulumiYaml, renderSection } from "../../scripts/config-reference";
import { readStackConfig, StackConfigError } from "../../stackConfig";
import { runWithMocks, valueOf } from "../support/pulumiMocks";
import { REPO_ROOT, runProgram, stackConfig } from "../support/renderStack";

/** A key as the program sees it: Pulumi.yaml's declaration (numbers carry no `type` there). */
type DeclaredKey = Pick<ConfigKey, "name" | "type" | "items" | "secret" | "default">;

/** Pulumi.yaml's keys, which index.ts reads; the drift test below ties them to the derived schema. */
function declaredKeys(): DeclaredKey[] {
    return Object.entries(declaredConfig()).map(([name, d]) => ({
        name,
        type: d.type ?? (d.secret ? "string" : "number"),
        items: d.items?.type as ConfigKey["items"],
        secret: d.secret === true,
        default: d.default,
    }));
}

/** A value of the key's type that differs from its default, as `pulumi config set` stores it. */
function sample(k: DeclaredKey): { stored: string; read: unknown } {
    switch (k.type) {
        case "integer": return { stored: "7", read: 7 };
        case "number": return { stored: "0.25", read: 0.25 };
        case "boolean": return { stored: String(!k.default), read: !k.default };
        case "object": return { stored: '{"team":"ml"}', read: { team: "ml" } };
        case "array": return k.items === "object" ? { stored: '[{"app":"gw"}]', read: [{ app: "gw" }] } : { stored: '["a","b"]', read: ["a", "b"] };
        default: return { stored: `value-of-${k.name}`, read: `value-of-${k.name}` };
    }
}

describe("configuration: one source (components/args.ts) @typecheck", function () {
    this.timeout(180_000); // the analyzer type-checks the component package once
    let schema: ConfigKey[];
    before(() => {
        schema = deriveConfigSchema();
    });

    it("derives every arg with its type, default and required-ness from the component", () => {
        const byName = Object.fromEntries(schema.map((k) => [k.name, k]));
        expect(byName.model).to.include({ type: "string", required: true, secret: false });
        expect(byName.tensorParallelSize).to.include({ type: "integer", default: 1 });
        expect(byName.gpuMemoryUtilization).to.include({ type: "number", default: 0.9 });
        expect(byName.queueTarget, "5 but fractions allowed").to.include({ type: "number", default: 5 });
        expect(byName.extraArgs).to.include({ type: "array", items: "string" });
        expect(byName.hfToken).to.include({ secret: true, required: false });
        expect(byName.apiKey).to.include({ secret: true });
        const componentDefaults: Record<string, unknown> = { ...DEFAULTS, ...SLO_DEFAULTS };
        for (const [key, value] of Object.entries(componentDefaults)) {
            expect(byName[key]?.default, key).to.deep.equal(value);
        }
        for (const k of schema) {
            expect(k.description, `${k.name} has TSDoc`).to.match(/\S/);
        }
    });

    it("describes an arg whose TSDoc has an inline {@link} in words, not \"[object Object]\" (issue 16)", () => {
        for (const k of schema) {
            expect(k.description, k.name).to.not.contain("[object Object]");
        }
        expect(schema.find((k) => k.name === "runbookBaseUrl")?.description).to.equal(
            "Base URL of the runbook; each alert's `runbook_url` is `<base>#<alert name in lower case>`, matching the alert headings of the README's SLO section.");
    });

    it("cuts TSDoc to its first sentence, keeping abbreviations", () => {
        expect(firstSentence("Node selector, e.g. `{a: b}`. Default none.")).to.equal("Node selector, e.g. `{a: b}`.");
        expect(firstSentence("Fraction in (0, 1] (`--x`).\n Default 0.9.")).to.equal("Fraction in (0, 1] (`--x`).");
    });

    it("Pulumi.yaml declares exactly the derived keys (run `npm run docs:config` after changing an arg)", () => {
        const text = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8");
        expect(text).to.equal(renderPulumiYaml(text, schema));
        const declared = declaredConfig(text);
        expect(Object.keys(declared)).to.deep.equal(schema.map((k) => k.name));
        expect(declared.hfToken).to.deep.include({ secret: true, default: "" });
        expect(declared.maxReplicas).to.deep.include({ type: "integer", default: 8 });
    });

    it("the README table is rendered from the same schema", () => {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        expect(readme).to.contain(renderSection(schema));
    });

    it("the stack files set only declared keys", () => {
        const names = schema.map((k) => k.name);
        for (const stack of ["dev", "prod"]) {
            for (const key of Object.keys(stackConfig(stack))) {
                expect(names, `Pulumi.${stack}.yaml sets ${key}`).to.include(key);
            }
        }
    });

});

describe("configuration: index.ts reads what Pulumi.yaml declares", function () {
    let schema: DeclaredKey[];
    before(() => {
        schema = declaredKeys();
    });

    it("index.ts reads every declared key by its type, secrets as secret Outputs", async () => {
        const config = Object.fromEntries(schema.map((k) => [k.name, sample(k).stored]));
        const secrets = schema.filter((k) => k.secret).map((k) => k.name);
        const { result } = await runWithMocks(() => readStackConfig(REPO_ROOT), config, secrets);
        expect(Object.keys(result).sort()).to.deep.equal(schema.map((k) => k.name).sort());
        for (const k of schema) {
            const v = result[k.name];
            if (k.secret) {
                expect(await pulumi.isSecret(v as pulumi.Output<string>), k.name).to.equal(true);
                expect(await valueOf(v as pulumi.Output<string>)).to.equal(sample(k).read);
            } else {
                expect(v, k.name).to.deep.equal(sample(k).read);
            }
        }
    });

    it("reads \"\" as unset, so the component's own default applies", async () => {
        const { result } = await runWithMocks(() => readStackConfig(REPO_ROOT), { model: "m", adapterNamespace: "", hfToken: "" });
        expect(result).to.deep.equal({ model: "m" });
    });

    it("lists every value of the wrong type, and refuses a secret set in plain text", async () => {
        const error = await runWithMocks(() => readStackConfig(REPO_ROOT), { maxReplicas: "many", createNamespace: "yes", labels: "[1]", apiKey: "unencrypted-k3y" })
            .then(() => undefined, (e) => e);
        expect(error).to.be.instanceOf(StackConfigError);
        const text = String(error.message);
        for (const key of ["maxReplicas", "createNamespace", "labels", "apiKey"]) {
            expect(text).to.contain(key);
        }
        expect(text).to.contain("pulumi config set --secret apiKey").and.not.contain("unencrypted-k3y");
    });

    it("reads numbers strictly: \"1/2\", \"1,5\", \"12abc\", \"0x10\" and \"Infinity\" are errors naming the key, not 1 or 12", async () => {
        for (const bad of ["1/2", "1,5", "12abc", "0x10", "Infinity", "", "1e", ". 5"]) {
            const error = await runWithMocks(() => readStackConfig(REPO_ROOT), { model: "m", queueTarget: bad || " " }).then(() => undefined, (e) => e);
            expect(error, bad).to.be.instanceOf(StackConfigError);
            expect(error.problems).to.deep.equal([`queueTarget: must be a number, got ${JSON.stringify(bad || " ")}`]);
        }
        const { result } = await runWithMocks(() => readStackConfig(REPO_ROOT), { model: "m", queueTarget: "2.5", maxReplicas: "1e1", minReplicas: "-3" });
        expect(result).to.deep.equal({ model: "m", queueTarget: 2.5, maxReplicas: 10, minReplicas: -3 });
    });

    it("cuts a long bad value in the message and never prints a stack trace (a Pulumi RunError)", async () => {
        const error = await runWithMocks(() => readStackConfig(REPO_ROOT), { model: "m", createNamespace: "y".repeat(1 << 20) }).then(() => undefined, (e) => e);
        expect(pulumi.RunError.isInstance(error)).to.equal(true);
        expect(error.problems).to.deep.equal([`createNamespace: must be true or false, got "${"y".repeat(64)}"… (${1 << 20} chars)`]);
    });

    it("keeps an encrypted \"\" secret (set on purpose), so the component refuses it instead of running without a key", async () => {
        const { result } = await runWithMocks(() => readStackConfig(REPO_ROOT), { model: "m", apiKey: "" }, ["apiKey"]);
        expect(Object.keys(result)).to.deep.equal(["model", "apiKey"]);
        expect(await pulumi.isSecret(result.apiKey as pulumi.Output<string>)).to.equal(true);
        expect(await valueOf(result.apiKey as pulumi.Output<string>)).to.equal("");
    });

    it("passes undeclared keys on, so the component names the typo", async () => {
        const error = await runProgram("dev", { maxReplica: 3 }).then(() => undefined, (e) => e);
        expect(String(error)).to.match(/maxReplica: is not a VllmService arg; did you mean maxReplicas\?/);
        expect(error.captured.all).to.deep.equal([]);
    });
});
