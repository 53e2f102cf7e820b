/** Helpers for the validation tests: a valid baseline and the problems a change causes. */
import { expect } from "chai";
import { VllmServiceArgs } from "../../components/args";
import { validateArgs, VllmServiceArgsError } from "../../components/validate";

export const GOOD: VllmServiceArgs = { model: "Qwen/Qwen2.5-0.5B-Instruct", modelRevision: "7ae557604adf67be50417f59c2c2f167def9a775" };

export type Change = Partial<Record<keyof VllmServiceArgs, unknown>> & Record<string, unknown>;

/** The problems reported for GOOD plus `change` (empty when it validates). */
export function problemsOf(change: Change): string[] {
    try {
        validateArgs("vllm-server", { ...GOOD, ...change } as VllmServiceArgs);
    } catch (e) {
        expect(e).to.be.instanceOf(VllmServiceArgsError);
        return (e as VllmServiceArgsError).problems;
    }
    return [];
}

/** Asserts exactly one problem, for `key`, whose text matches `pattern`. */
export function expectProblem(change: Change, key: string, pattern: RegExp): void {
    const problems = problemsOf(change);
    expect(problems, JSON.stringify(change)).to.have.length(1);
    expect(problems[0].startsWith(`${key}: `), problems[0]).to.equal(true);
    expect(problems[0]).to.match(pattern);
}
