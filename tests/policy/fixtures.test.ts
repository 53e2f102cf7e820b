/**
 * Every fixture through the whole pack: each must violate exactly the policies its
 * `# expect:` header names, as many times as it says, and nothing else. That tests every
 * policy both ways and proves the passing fixtures trip no other rule.
 */
import { expect } from "chai";
import { policies } from "../../policy/policies";
import { countByPolicy, expectedViolations, fixtureNames, messages, runPack } from "./support";

describe("policy pack on tests/fixtures", () => {
    for (const name of fixtureNames()) {
        const expected = expectedViolations(name);
        if (!expected) continue; // invalid input: tested by check-manifests.test.ts
        const what = expected.size ? [...expected].map(([p, n]) => (n > 1 ? `${p} x${n}` : p)).join(", ") : "nothing";
        it(`${name} violates ${what}`, async () => {
            const violations = await runPack(name);
            expect(Object.fromEntries(countByPolicy(violations)), messages(violations).join("\n")).to.deep.equal(Object.fromEntries(expected));
        });
    }

    it("has, for every policy, a fixture that violates it and fixtures that pass it", () => {
        const names = fixtureNames();
        const violating = new Set(names.flatMap(n => [...(expectedViolations(n)?.keys() ?? [])]));
        const passing = names.filter(n => expectedViolations(n)?.size === 0);
        for (const p of policies) {
            expect(violating.has(p.name), `no fixture violates ${p.name}`).to.equal(true);
        }
        expect(passing.length).to.be.greaterThan(10);
    });
});
