/**
 * The exact message of every violation the pack reports on the fixtures, under the default
 * config and under policy/config/prod.json. The messages are what users read in `pulumi preview`,
 * in check-manifests' output and (through the same texts) at admission, so a change of wording is a
 * change users see: it must be made on purpose, by regenerating this file:
 *
 *   UPDATE_MESSAGES=1 npx mocha tests/policy/messages.test.ts
 *
 * fixtures.test.ts checks which policies fire; this checks what they say. A fixture added later
 * and not yet recorded is listed, not failed (other work adds fixtures in parallel).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import type { PolicyPackConfig } from "@pulumi/policy";
import { expectedViolations, fixtureNames, REPO_ROOT, runPack } from "./support";

const GOLDEN = path.join(__dirname, "messages.golden.json");
const PROD: PolicyPackConfig = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policy", "config", "prod.json"), "utf8"));

type Recorded = Record<string, { default: string[]; prod: string[] }>;

async function observe(name: string): Promise<{ default: string[]; prod: string[] }> {
    const lines = async (config: PolicyPackConfig) => (await runPack(name, config)).map(v => `${v.policy} [${v.enforcementLevel}]: ${v.message}`);
    return { default: await lines({}), prod: await lines(PROD) };
}

describe("policy pack messages on tests/fixtures (exact text)", function () {
    this.timeout(60_000);
    const names = fixtureNames().filter(n => expectedViolations(n) !== undefined);
    const recorded: Recorded = fs.existsSync(GOLDEN) ? JSON.parse(fs.readFileSync(GOLDEN, "utf8")) : {};

    if (process.env.UPDATE_MESSAGES) {
        it("records every fixture's messages", async () => {
            const out: Recorded = {};
            for (const n of names) out[n] = await observe(n);
            fs.writeFileSync(GOLDEN, JSON.stringify(out, null, 2) + "\n");
        });
        return;
    }

    for (const n of names.filter(n => n in recorded)) {
        it(n, async () => {
            expect(await observe(n)).to.deep.equal(recorded[n]);
        });
    }

    it("has recorded most fixtures (run with UPDATE_MESSAGES=1 after adding one)", () => {
        const missing = names.filter(n => !(n in recorded));
        expect(Object.keys(recorded).length, `not recorded: ${missing.join(", ")}`).to.be.greaterThan(90);
    });
});
