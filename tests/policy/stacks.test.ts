/**
 * What VllmService produces for the dev and prod stacks (the program under mocks, with each
 * stack's real config) must pass the whole pack, every policy at its prod level, with zero
 * violations: the component and the pack can never disagree.
 */
import { expect } from "chai";
import { containersOf, kubeObject, vllmParallelism, vllmServer } from "@vllm-pulumi/kube-parser";
import { policies } from "../../policy/policies";
import { PolicyInput, runPolicies } from "../../policy/runPolicies";
import { renderStack, runProgram } from "../support/renderStack";

/** GPUs each vLLM server container of the stack needs, so a pass is never vacuous. */
function vllmServers(resources: PolicyInput[]): number[] {
    return resources.flatMap(r => {
        const obj = kubeObject(r.type, r.props);
        return obj ? containersOf(obj).flatMap(c => (vllmServer(c.container) ? [vllmParallelism(vllmServer(c.container)!.args).gpus] : [])) : [];
    });
}

describe("policy pack on the VllmService stacks", function () {
    this.timeout(60000);

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: zero violations from every policy`, async () => {
            const resources = await renderStack(stack);
            expect(resources.map(r => r.type.split(":").pop())).to.include.members(["Deployment", "Service", "ServiceMonitor", "HorizontalPodAutoscaler"]);
            expect(vllmServers(resources)).to.deep.equal([1]);
            const violations = await runPolicies(policies, resources, { all: "mandatory" });
            expect(violations.map(v => `${v.policy}: ${v.message}`)).to.deep.equal([]);
        });
    }

    it("prod with tensorParallelSize 4: TP, GPUs and /dev/shm still agree with the pack", async () => {
        const { captured } = await runProgram("prod", { tensorParallelSize: 4 });
        const resources = captured.resources.map(r => ({ type: r.type, name: r.name, props: r.inputs }));
        expect(vllmServers(resources)).to.deep.equal([4]);
        const violations = await runPolicies(policies, resources, { all: "mandatory" });
        expect(violations.map(v => `${v.policy}: ${v.message}`)).to.deep.equal([]);
    });
});
