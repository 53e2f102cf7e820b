/**
 * Property-based test (fast-check) of the component under mocks: any valid args render objects
 * that raise no mandatory violation under the dev policy pack config.
 */
import { expect } from "chai";
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { VllmService } from "../../components/vllmService";
import { policies } from "../../policy/policies";
import { runPolicies } from "../../policy/runPolicies";
import { runWithMocks } from "../support/pulumiMocks";
import { REPO_ROOT } from "../support/renderStack";
import { validArgs } from "./argsArbitrary";

describe("the component on valid args (fast-check, mocks, dev policy pack)", function () {
    this.timeout(120_000);
    const devConfig = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policy", "config", "dev.json"), "utf8"));

    it("renders objects that raise no mandatory violation", async () => {
        await fc.assert(fc.asyncProperty(validArgs, async (args) => {
            const { captured } = await runWithMocks(() => new VllmService("vllm-server", args));
            const resources = captured.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
            const violations = await runPolicies(policies, resources, devConfig);
            expect(violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy}: ${v.message}`)).to.deep.equal([]);
        }), { numRuns: 25 });
    });
});
