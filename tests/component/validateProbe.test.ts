/**
 * Issue 16: what a hostile but realistic user got through validation, each refused now with the
 * exact message a user reads (validation is pure; these assert what it throws).
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { ARG_NAMES } from "../../components/argNames";
import { shown, truncate } from "../../components/checks";
import { DEFAULT_LENGTH_CAP, lengthCap } from "../../components/lengthCaps";
import { RESERVED_NAMESPACES, validateArgs, VllmServiceArgsError } from "../../components/validate";
import { VllmService } from "../../components/vllmService";
import { runWithMocks } from "../support/pulumiMocks";
import { GOOD, problemsOf } from "./argsSupport";

const MB = 1 << 20;

/** Args that hold strings, and where in them a 1 MB string goes. */
const STRING_VALUED: Record<string, (s: string) => unknown> = {
    name: (s) => s, namespace: (s) => s, image: (s) => s, model: (s) => s, modelRevision: (s) => s, servedModelName: (s) => s,
    shmSizeLimit: (s) => s, cpuRequest: (s) => s, memory: (s) => s, hfToken: (s) => s, hfTokenSecretName: (s) => s,
    hfTokenSecretKey: (s) => s, apiKey: (s) => s, monitoringNamespace: (s) => s, scrapeInterval: (s) => s,
    runbookBaseUrl: (s) => s, adapterNamespace: (s) => s, grafanaDashboardNamespace: (s) => s,
    extraArgs: (s) => ["--dtype", s], allowedNamespaces: (s) => [s],
    labels: (s) => ({ team: s }), nodeSelector: (s) => ({ pool: s }), serviceMonitorLabels: (s) => ({ release: s }),
    alertLabels: (s) => ({ team: s }), grafanaDashboardLabels: (s) => ({ grafana: s }), allowedPodSelectors: (s) => [{ app: s }],
};

describe("issue 16 probe findings", () => {
    describe("a 1 MB value of every string arg is refused by its length, before any pattern", () => {
        const big = "1".repeat(MB); // digits: the worst case of the old quantity pattern
        for (const [key, place] of Object.entries(STRING_VALUED)) {
            it(key, () => {
                const problems = problemsOf({ [key]: place(big), ...(key === "apiKey" ? { apiKeyEnabled: true } : {}) });
                const where = { extraArgs: "item 1 is", allowedNamespaces: "item 0 is", allowedPodSelectors: 'item 0 the value of "app" is' }[key]
                    ?? (typeof place("") === "object" ? `the value of ${shown(Object.keys(place("") as object)[0])} is` : "is");
                expect(problems).to.deep.equal([`${key}: ${where} ${MB} characters long; at most ${lengthCap(key)} are accepted`]);
            });
        }
        it("covers every arg that takes a string (numbers and booleans get the same cap)", () => {
            for (const key of ARG_NAMES) {
                const problems = problemsOf({ [key]: "x".repeat(MB) });
                expect(problems, key).to.have.length(1);
                expect(problems[0]).to.match(new RegExp(`^${key}: is ${MB} characters long; at most \\d+ are accepted$`));
            }
        });
        it("caps quantities at 64 characters and other names at the default", () => {
            expect(lengthCap("cpuRequest")).to.equal(64);
            expect(lengthCap("namespace")).to.equal(DEFAULT_LENGTH_CAP);
            expect(problemsOf({ cpuRequest: "1".repeat(64) })).to.deep.equal([]);
            expect(problemsOf({ cpuRequest: "1".repeat(65) })).to.deep.equal(["cpuRequest: is 65 characters long; at most 64 are accepted"]);
        });
        it("names an unknown key of 1 MB without repeating it or comparing it with every arg", () => {
            const key = "k".repeat(MB);
            expect(problemsOf({ [key]: 1 })).to.deep.equal([`${"k".repeat(64)}… (${MB} chars): is not a VllmService arg`]);
        });
    });

    describe("values in messages", () => {
        it("are cut to 64 characters and their length", () => {
            const model = "a b".repeat(100);
            expect(problemsOf({ model })).to.deep.equal([`model: "${model.slice(0, 64)}"… (300 chars) is not a model id or path without whitespace`]);
            expect(truncate("x".repeat(65))).to.equal(`${"x".repeat(64)}… (65 chars)`);
        });
        it("say Infinity and NaN, not null", () => {
            expect(problemsOf({ queueTarget: Infinity })).to.deep.equal(["queueTarget: must be a number > 0, got Infinity"]);
            expect(problemsOf({ replicas: NaN })).to.deep.equal(["replicas: must be an integer, got NaN"]);
            expect(problemsOf({ gpuMemoryUtilization: -Infinity })).to.deep.equal(["gpuMemoryUtilization: must be a fraction in (0, 1], got -Infinity"]);
            expect(shown({ a: Infinity })).to.equal('{"a":"Infinity"}');
        });
    });

    describe("createNamespace with a namespace the cluster owns", () => {
        for (const namespace of RESERVED_NAMESPACES) {
            it(`refuses ${namespace}`, () => {
                expect(problemsOf({ createNamespace: true, namespace })).to.deep.equal([
                    `createNamespace: is true for namespace "${namespace}", which the cluster owns (the stack would delete it on destroy); set createNamespace to false`,
                ]);
            });
        }
        it("deploys into them when the stack does not create them, and creates any other", () => {
            expect(problemsOf({ createNamespace: false, namespace: "default" })).to.deep.equal([]);
            expect(problemsOf({ createNamespace: true, namespace: "kube-systems" })).to.deep.equal([]);
        });
    });

    describe("argparse abbreviations of the parallelism flags in extraArgs", () => {
        const cases: Array<[string[], string]> = [
            [["-t", "2"], "extraArgs: -t (argparse reads -t as -tp) changes how many GPUs a pod needs; use tensorParallelSize/pipelineParallelSize instead"],
            [["-p", "2"], "extraArgs: -p (argparse reads -p as -pp) changes how many GPUs a pod needs; use tensorParallelSize/pipelineParallelSize instead"],
            // Python >= 3.12's argparse splits `-t=2` into the abbreviation and its value (older ones exit on it).
            [["-t=2"], "extraArgs: -t (argparse reads -t as -tp) changes how many GPUs a pod needs; use tensorParallelSize/pipelineParallelSize instead"],
            [["-d", "2"], "extraArgs: -d is an ambiguous abbreviation (-dp, -dpl, -dpn, -dpr, -dpa, -dpp, -dpb, -dph, -dpe, -dcp): argparse refuses it and vLLM exits at start-up; remove it from extraArgs"],
            [["--t", "2"], "extraArgs: --t is an ambiguous abbreviation (--tensor-parallel-size, every other vLLM option starting with --t): argparse refuses it and vLLM exits at start-up; remove it from extraArgs"],
            [["--tensor_parallel", "2"], 'extraArgs: --tensor-parallel sets --tensor-parallel-size (argparse expands the prefix "--tensor-parallel" to --tensor-parallel-size, or fails on it as ambiguous), which comes from tensorParallelSize (it decides how many GPUs a pod gets); remove it from extraArgs'],
            [["--pipe=2"], 'extraArgs: --pipe sets --pipeline-parallel-size (argparse expands the prefix "--pipe" to --pipeline-parallel-size, or fails on it as ambiguous), which comes from pipelineParallelSize (it decides how many GPUs a pod gets); remove it from extraArgs'],
        ];
        for (const [extraArgs, message] of cases) {
            it(`refuses ${JSON.stringify(extraArgs)}`, () => {
                expect(problemsOf({ extraArgs })).to.deep.equal([message]);
            });
        }
    });

    describe("errors print without a stack trace", () => {
        it("VllmServiceArgsError is a Pulumi RunError (the engine prints its message alone)", () => {
            let error: unknown;
            try {
                validateArgs("x", { ...GOOD, replicas: -1 });
            } catch (e) {
                error = e;
            }
            expect(error).to.be.instanceOf(VllmServiceArgsError);
            expect(pulumi.RunError.isInstance(error)).to.equal(true);
        });
        it("cuts a 1 MB resource name in the headline", () => {
            const name = "n".repeat(MB);
            expect(new VllmServiceArgsError(name, ["x: y"]).message).to.equal(`invalid VllmService "${"n".repeat(64)}"… (${MB} chars) (fix these stack config keys):\n  - x: y`);
        });
        for (const [what, value, message] of [
            ["padded", " sk-live\n", "apiKey: has leading or trailing whitespace (a newline from a file?); clients and the Hub would never match it"],
            ["blank", "  ", 'apiKey: is empty or blank; vLLM treats an empty key as "no authentication"'],
            ["empty", "", 'apiKey: is empty or blank; vLLM treats an empty key as "no authentication"'],
        ]) {
            it(`a ${what} secret Output fails the gate with the named RunError, never the value`, async () => {
                const errors: unknown[] = [];
                const onRejection = (e: unknown) => errors.push(e);
                process.on("unhandledRejection", onRejection);
                try {
                    const { captured } = await runWithMocks(() => new VllmService("vllm-server", { ...GOOD, apiKey: pulumi.secret(value) }));
                    await new Promise((r) => setTimeout(r, 50));
                    expect(captured.all.map((r) => r.type).filter((t) => t.startsWith("kubernetes:")), "no Kubernetes object").to.deep.equal([]);
                } finally {
                    process.off("unhandledRejection", onRejection);
                }
                expect(errors.length).to.be.greaterThan(0);
                for (const e of errors) {
                    expect(pulumi.RunError.isInstance(e)).to.equal(true);
                    expect((e as VllmServiceArgsError).problems).to.deep.equal([message]);
                    if (value.trim()) expect((e as Error).message).to.not.contain(value.trim());
                }
            });
        }
    });
});
