/**
 * Abbreviated vLLM flags, read as Python's own argparse reads them (issue 16): `-t 2` is `-tp 2`,
 * `--tensor 2` is `--tensor-parallel-size 2`, `-d` is ambiguous and vLLM exits. The parser's
 * resolveOption is compared with a real argparse parser holding the same option strings, plus a
 * few real vLLM options that share a first letter (which is why `--t` is ambiguous in vLLM).
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import { resolveOption, VLLM_PARALLEL_OPTIONS } from "@vllm-pulumi/kube-parser";

/** vLLM options outside the parallel group that start like one of its flags (vllm serve --help). */
const NEIGHBOURS = ["--task", "--tokenizer", "--port", "--dtype", "--num-gpu-blocks-override"];

/** [long, short?] groups, as add_argument receives them. */
function groups(): string[][] {
    const out: string[][] = [];
    for (const o of [...VLLM_PARALLEL_OPTIONS, ...NEIGHBOURS]) {
        if (o.startsWith("--")) out.push([o]);
        else out[out.length - 1].push(o);
    }
    return out;
}

const TOKENS = [
    "-t", "-p", "-d", "-tp", "-pp", "-dp", "-dpl", "-dc", "-x",
    "--t", "--p", "--d", "--n", "--te", "--tensor", "--tensor-parallel", "--tensor-parallel-size",
    "--pi", "--pipeline", "--data-parallel-s", "--data-parallel-si", "--data-parallel-size", "--data-parallel-size-l",
    "--nn", "--decode", "--dt", "--x",
];

/** What argparse makes of `token 7`: the first option string of the action it sets, "ambiguous" or "none". */
function argparseVerdicts(): Record<string, string> {
    const script = `
import argparse, json, sys
class P(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(message)
p = P(add_help=False)
for g in json.loads(sys.argv[1]):
    p.add_argument(*g, dest=g[0])
out = {}
for t in json.loads(sys.argv[2]):
    try:
        ns, rest = p.parse_known_args([t, "7"])
        hit = [k for k, v in vars(ns).items() if v == "7"]
        out[t] = hit[0] if hit else "none"
    except ValueError as e:
        out[t] = "ambiguous" if "ambiguous" in str(e) else "error: " + str(e)
print(json.dumps(out))
`;
    const r = spawnSync("python3", ["-c", script, JSON.stringify(groups()), JSON.stringify(TOKENS)], { encoding: "utf8" });
    if (r.error || r.status !== 0) throw new Error(`python3 failed: ${r.error?.message ?? r.stderr}`);
    return JSON.parse(r.stdout);
}

function oursFor(token: string): string {
    const match = resolveOption(token, [...VLLM_PARALLEL_OPTIONS, ...NEIGHBOURS]);
    if (!match) return "none";
    if ("ambiguous" in match) return "ambiguous";
    return groups().find(g => g.includes(match.option))![0];
}

describe("argparse abbreviations of vLLM flags @process", function () {
    let python: Record<string, string> | undefined;
    before(function () {
        if (spawnSync("python3", ["--version"]).error) this.skip(); // the comparison needs Python's argparse
        python = argparseVerdicts();
    });

    it("resolves every abbreviation the way Python's argparse does", () => {
        const ours = Object.fromEntries(TOKENS.map(t => [t, oursFor(t)]));
        expect(ours).to.deep.equal(python);
    });

    it("reads -t as -tp and -p as -pp, and finds -d ambiguous (the cases the probe found)", () => {
        expect(python!["-t"]).to.equal("--tensor-parallel-size");
        expect(python!["-p"]).to.equal("--pipeline-parallel-size");
        expect(python!["-d"]).to.equal("ambiguous");
    });

    it("calls a one-letter long prefix ambiguous even against the parallel options alone (vLLM has --task, --port, --dtype ...)", () => {
        for (const t of ["--t", "--p", "--d", "--n"]) {
            expect(resolveOption(t), t).to.have.property("ambiguous");
        }
    });
});
