/**
 * Ordering and rollout details users depend on without seeing them (issue 9, section 5): each
 * assertion here fails when the corresponding line of the component is changed.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { VllmServiceArgs } from "../../components/args";
import { VllmService } from "../../components/vllmService";
import { Captured, runWithMocks } from "../support/pulumiMocks";
import { expectProblem, problemsOf } from "./argsSupport";

const BASE: VllmServiceArgs = { model: "meta-llama/Llama-3.1-8B-Instruct", modelRevision: "0e9e39f249a16976918f6564b8830bc894c89659" };

interface Child { type: string; name: string; dependsOn: pulumi.Resource[] }

/** Renders the component and records, for every child, the resources it explicitly waits for. */
async function renderWithDeps(args: Partial<VllmServiceArgs>): Promise<{ c: Captured; children: Child[] }> {
    const children: Child[] = [];
    const pending: Promise<void>[] = [];
    const { captured } = await runWithMocks(() => new VllmService("vllm-server", { ...BASE, ...args }, {
        transformations: [(a) => {
            if (a.type === "vllm:index:VllmService") return undefined;
            const child: Child = { type: a.type.split(":").pop()!, name: a.name, dependsOn: [] };
            children.push(child);
            // dependsOn may be an Output (it waits for the secret check); resolve it either way.
            pending.push(new Promise<void>((resolve) => pulumi.output(a.opts.dependsOn as pulumi.Input<pulumi.Resource[]>).apply((d) => {
                child.dependsOn = ([] as pulumi.Resource[]).concat(d ?? []);
                resolve();
            })));
            return undefined;
        }],
    }));
    await Promise.all(pending);
    return { c: captured, children };
}

/** What the child of a type (and optional name) waits for, as `Kind/name`. */
function depsOf(children: Child[], type: string, name?: string): string[] {
    const child = children.find((c) => c.type === type && (name === undefined || c.name === name));
    expect(child, `${type} ${name ?? ""}`).to.not.equal(undefined);
    return child!.dependsOn.map((r) => `${String((r as any).__pulumiType).split(":").pop()}/${(r as any).__name}`).sort();
}

describe("VllmService ordering (dependsOn, mocks)", () => {
    it("creates every namespaced object after the namespace it creates", async () => {
        const { children } = await renderWithDeps({ createNamespace: true, hfToken: "hf_x" });
        const namespaced = children.filter((c) => !["Namespace", "RandomPassword", "HorizontalPodAutoscaler"].includes(c.type));
        expect(namespaced.length).to.be.greaterThan(6);
        for (const child of namespaced) {
            expect(depsOf(children, child.type, child.name), `${child.type} ${child.name}`).to.include("Namespace/vllm-server");
        }
    });

    it("creates the Deployment after both Secrets, so pods never start without their env", async () => {
        const { children } = await renderWithDeps({ hfToken: "hf_x" });
        expect(depsOf(children, "Deployment")).to.deep.equal(["Secret/vllm-server-api-key", "Secret/vllm-server-hf-token"]);
    });

    it("creates the HPA after the Deployment it scales", async () => {
        const { children } = await renderWithDeps({});
        expect(depsOf(children, "HorizontalPodAutoscaler")).to.deep.equal(["Deployment/vllm-server"]);
    });
});

describe("VllmService rollout and probes (mocks)", () => {
    let spec: any;
    beforeEach(async () => { // per test, so mutation coverage credits each assertion
        const { captured } = await runWithMocks(() => new VllmService("vllm-server", BASE));
        spec = captured.one("kubernetes:apps/v1:Deployment").inputs.spec;
    });

    it("surges one pod and never drops below the serving capacity during a rollout", () => {
        expect(spec.strategy).to.deep.equal({ type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    });

    it("gives readiness 3 x 10 s with a 5 s timeout, and liveness 3 x 30 s with 10 s", () => {
        const ctr = spec.template.spec.containers[0];
        expect(ctr.readinessProbe).to.deep.equal({ httpGet: { path: "/health", port: "http" }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5 });
        expect(ctr.livenessProbe).to.deep.equal({ httpGet: { path: "/health", port: "http" }, periodSeconds: 30, failureThreshold: 3, timeoutSeconds: 10 });
        expect(ctr.startupProbe).to.deep.include({ periodSeconds: 10, failureThreshold: 180, timeoutSeconds: 5 });
    });

    it("rounds the startup budget up to whole probe periods", async () => {
        const { captured } = await runWithMocks(() => new VllmService("vllm-server", { ...BASE, startupTimeoutSeconds: 95 }));
        expect(captured.one("kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0].startupProbe.failureThreshold).to.equal(10);
    });
});

describe("HPA bounds are exactly the API server's", () => {
    for (const key of ["scaleUpStabilizationSeconds", "scaleDownStabilizationSeconds"]) {
        it(`${key}: 0 and 3600 pass, -1 and 3601 fail`, () => {
            expect(problemsOf({ [key]: 0 })).to.deep.equal([]);
            expect(problemsOf({ [key]: 3600 })).to.deep.equal([]);
            expectProblem({ [key]: -1 }, key, />= 0/);
            expectProblem({ [key]: 3601 }, key, /<= 3600/);
        });
    }
    for (const key of ["scaleUpPeriodSeconds", "scaleDownPeriodSeconds"]) {
        it(`${key}: 1 and 1800 pass, 0 and 1801 fail`, () => {
            expect(problemsOf({ [key]: 1 })).to.deep.equal([]);
            expect(problemsOf({ [key]: 1800 })).to.deep.equal([]);
            expectProblem({ [key]: 0 }, key, />= 1/);
            expectProblem({ [key]: 1801 }, key, /<= 1800/);
        });
    }
    it("startupTimeoutSeconds: 30 passes, 29 fails", () => {
        expect(problemsOf({ startupTimeoutSeconds: 30 })).to.deep.equal([]);
        expectProblem({ startupTimeoutSeconds: 29 }, "startupTimeoutSeconds", />= 30/);
    });
});
