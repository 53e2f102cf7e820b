/**
 * The pure rule functions behind validation, at their exact limits (the API server's numbers).
 */
import { expect } from "chai";
import { closestArg, editDistance, unknownArgProblems } from "../../components/argNames";
import { durationMs, scrapeDurationProblem } from "../../components/durations";
import { canonicalFlag, extraArgsProblems } from "../../components/extraArgs";
import {
    configMapKeyProblem,
    dns1035LabelProblem,
    dns1123LabelProblem,
    dns1123SubdomainProblem,
    labelKeyProblem,
    labelValueProblem,
} from "../../components/kubeNames";

describe("Kubernetes name rules at their limits", () => {
    it("DNS-1123 label: 63 characters pass, 64 fail; no leading/trailing '-', no upper case", () => {
        expect(dns1123LabelProblem("a".repeat(63))).to.equal(undefined);
        expect(dns1123LabelProblem("a".repeat(64))).to.match(/no more than 63/);
        expect(dns1123LabelProblem("0abc")).to.equal(undefined);
        for (const bad of ["-a", "a-", "A", "a.b", ""]) expect(dns1123LabelProblem(bad), bad).to.match(/DNS-1123 label/);
    });

    it("DNS-1035 label: must start with a letter, 63 at most", () => {
        expect(dns1035LabelProblem("a-0")).to.equal(undefined);
        expect(dns1035LabelProblem("0a")).to.match(/starting with a letter/);
        expect(dns1035LabelProblem("a".repeat(64))).to.match(/no more than 63/);
    });

    it("DNS-1123 subdomain: dot-separated labels, 253 at most", () => {
        expect(dns1123SubdomainProblem("a.b-c.d")).to.equal(undefined);
        expect(dns1123SubdomainProblem(`${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`)).to.equal(undefined);
        expect(dns1123SubdomainProblem("a".repeat(254))).to.match(/no more than 253/);
        for (const bad of ["a..b", ".a", "a.", "a_b", "A.b"]) expect(dns1123SubdomainProblem(bad), bad).to.match(/subdomain/);
    });

    it("label key: optional subdomain prefix, name part of at most 63", () => {
        expect(labelKeyProblem("example.com/" + "n".repeat(63))).to.equal(undefined);
        expect(labelKeyProblem("n".repeat(64))).to.match(/name part must be no more than 63/);
        expect(labelKeyProblem("/x")).to.match(/empty prefix/);
        expect(labelKeyProblem("a/")).to.match(/empty name part/);
        expect(labelKeyProblem("a/b/c")).to.match(/more than one/);
        expect(labelKeyProblem("Bad.example/x")).to.match(/^prefix "Bad.example" must be a DNS-1123 subdomain/);
        expect(labelKeyProblem("_x")).to.match(/name part must be/);
    });

    it("label value: empty or at most 63 qualified characters", () => {
        expect(labelValueProblem("")).to.equal(undefined);
        expect(labelValueProblem("v".repeat(63))).to.equal(undefined);
        expect(labelValueProblem("v".repeat(64))).to.match(/no more than 63/);
        expect(labelValueProblem("-v")).to.match(/must be empty or/);
    });

    it("Secret data key: 253 characters of [-._a-zA-Z0-9], not '.', '..' or '..x'", () => {
        expect(configMapKeyProblem("k".repeat(253))).to.equal(undefined);
        expect(configMapKeyProblem("k".repeat(254))).to.match(/no more than 253/);
        expect(configMapKeyProblem(".")).to.match(/must not be/);
        expect(configMapKeyProblem("..")).to.match(/must not be/);
        expect(configMapKeyProblem("..x")).to.match(/must not be/);
        expect(configMapKeyProblem(".x")).to.equal(undefined);
        expect(configMapKeyProblem("")).to.match(/letters, digits/);
    });
});

describe("durations", () => {
    it("computes milliseconds of each unit", () => {
        expect(durationMs("1y")).to.equal(365 * 86_400_000);
        expect(durationMs("1w1d1h1m1s1ms")).to.equal(7 * 86_400_000 + 86_400_000 + 3_600_000 + 60_000 + 1000 + 1);
        expect(durationMs("0")).to.equal(0);
        expect(durationMs("1m1h")).to.equal(undefined);
    });
    it("refuses zero and what Go's int64 nanoseconds cannot hold, accepts up to it", () => {
        expect(scrapeDurationProblem("0")).to.match(/zero/);
        expect(scrapeDurationProblem("292y")).to.equal(undefined);
        expect(scrapeDurationProblem("293y")).to.match(/292 years/);
    });
});

describe("extraArgs flag reading", () => {
    it("canonicalises like vLLM's FlexibleArgumentParser: underscores before the first dot only", () => {
        expect(canonicalFlag("--max_model_len=1")).to.equal("--max-model-len");
        expect(canonicalFlag("--compilation_config.cudagraph_mode=x")).to.equal("--compilation-config.cudagraph_mode");
        expect(canonicalFlag("-tp")).to.equal(undefined);
        expect(canonicalFlag("--")).to.equal(undefined);
        expect(canonicalFlag("value")).to.equal(undefined);
    });
    it("does not treat short prefixes (argparse would find them ambiguous) or positional words as flags", () => {
        expect(extraArgsProblems(["--m", "model", "--po"])).to.deep.equal([
            `--po sets --port (argparse expands the prefix "--po" to --port, or fails on it as ambiguous), which comes from the fixed port 8000; remove it from extraArgs`]);
    });
    it("reports short parallelism aliases once", () => {
        expect(extraArgsProblems(["-pp", "2"])).to.deep.equal(["-pp changes how many GPUs a pod needs; use tensorParallelSize/pipelineParallelSize instead"]);
    });
});

describe("unknown arg names", () => {
    it("measures edit distance", () => {
        expect(editDistance("kitten", "sitting")).to.equal(3);
        expect(editDistance("", "abc")).to.equal(3);
        expect(editDistance("ABC", "abc")).to.equal(0);
    });
    it("suggests only close names", () => {
        expect(closestArg("replica")).to.equal("replicas");
        expect(closestArg("nmespace")).to.equal("namespace");
        expect(closestArg("xyz")).to.equal(undefined);
        expect(unknownArgProblems({ model: "m", modell: "x" })).to.deep.equal(["modell: is not a VllmService arg; did you mean model?"]);
    });
});
