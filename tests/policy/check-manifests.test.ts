/**
 * The check-manifests CLI, run as a process on fixture files: output lines, exit status,
 * invalid input, stdin and the policy config option.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { generateManifests } from "../../bench/check-manifests/generate";
import { parseExactly } from "../../scripts/check-manifests/read";
import { parseManifestText } from "../../scripts/check-manifests";
import { REPO_ROOT } from "./support";

const F = (name: string) => path.join("tests", "fixtures", name);

/** Runs the CLI like `npm run --silent check-manifests -- ARGS` does: the compiled copy, via run.js. */
function cli(args: string[], input?: string) {
    const r = spawnSync(process.execPath, ["scripts/check-manifests/run.js", ...args], {
        cwd: REPO_ROOT,
        input,
        encoding: "utf8",
        env: { ...process.env, INIT_CWD: REPO_ROOT },
    });
    return { status: r.status, lines: r.stdout.split("\n").filter(Boolean), stderr: r.stderr };
}

describe("check-manifests CLI @process", function () {
    this.timeout(60000);

    it("is the package.json script check-manifests", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
        expect(pkg.scripts?.["check-manifests"], "package.json needs a check-manifests script").to.be.a("string").and.include("scripts/check-manifests/run.js");
    });

    it("prints `policy Kind/namespace/name message [level]` per violation and exits 1 on a mandatory one", () => {
        const r = cli([F("recipe-placeholder-tag.yaml"), F("hpa-dcgm-gpu-util.yaml"), F("probes-missing.yaml")]);
        expect(r.status, r.stderr).to.equal(1);
        expect(r.lines).to.have.length(4);
        expect(r.lines[0]).to.match(/^vllm-image-pinned Deployment\/serving\/vllm-server container "vllm": image "vllm\/vllm-openai:<pinned-tag>" .* \[mandatory\]$/);
        expect(r.lines[1]).to.match(/^hpa-no-gpu-utilization HorizontalPodAutoscaler\/serving\/vllm .*DCGM_FI_DEV_GPU_UTIL.*vllm:num_requests_waiting.* \[mandatory\]$/);
        expect(r.lines[2]).to.match(/^vllm-health-probes Deployment\/serving\/vllm container "vllm" has no readinessProbe\. .* \[advisory\]$/);
        expect(r.stderr).to.include("4 violation(s), 2 mandatory, in 6 object(s) from 3 file(s)");
    });

    it("exits 0 when nothing is violated, and when only advisory policies are", () => {
        const clean = cli([F("recipe-pinned.yaml"), F("triton-not-vllm.yaml")]);
        expect(clean.status, clean.stderr).to.equal(0);
        expect(clean.lines).to.deep.equal([]);
        const advisory = cli([F("hpa-scale-down-window-60s.yaml"), F("servicemonitor-label-mismatch.yaml")]);
        expect(advisory.status, advisory.stderr).to.equal(0);
        expect(advisory.lines.map(l => l.split(" ").slice(0, 2).join(" "))).to.deep.equal([
            "hpa-scale-down-stabilization HorizontalPodAutoscaler/serving/vllm",
            "servicemonitor-selects-service ServiceMonitor/serving/vllm",
        ]);
    });

    it("exits 2 with a clear message for invalid YAML, non-Kubernetes YAML, a missing file or no file", () => {
        const invalid = cli([F("recipe-pinned.yaml"), F("invalid-yaml.yaml")]);
        expect(invalid.status).to.equal(2);
        expect(invalid.lines).to.deep.equal([]);
        expect(invalid.stderr).to.include("invalid-yaml.yaml: invalid YAML in document 1").and.include("line 6");
        const notK8s = cli([F("not-a-kubernetes-object.yaml")]);
        expect(notK8s.status).to.equal(2);
        expect(notK8s.stderr).to.include("document 1 is not a Kubernetes object (it needs apiVersion and kind)");
        const missing = cli(["tests/fixtures/does-not-exist.yaml"]);
        expect(missing.status).to.equal(2);
        expect(missing.stderr).to.include("does-not-exist.yaml: cannot read");
        const none = cli([]);
        expect(none.status).to.equal(2);
        expect(none.stderr).to.include("usage:");
    });

    it("reads stdin for -, unpacks kind: List, and applies a --policy-pack-config file", () => {
        const r = cli(["-", F("list-kind.yaml")], fs.readFileSync(path.join(REPO_ROOT, F("image-registry-port-pinned.yaml")), "utf8"));
        expect(r.status, r.stderr).to.equal(1);
        expect(r.lines).to.have.length(1);
        expect(r.lines[0]).to.match(/^vllm-image-pinned Deployment\/serving\/vllm .*"latest"/);
        // With requireDigest (prod-style config), the tag-pinned image from stdin fails too.
        const tmp = path.join(fs.mkdtempSync(path.join(require("os").tmpdir(), "check-manifests-")), "config.json");
        fs.writeFileSync(tmp, JSON.stringify({ "vllm-image-pinned": { requireDigest: true }, "vllm-health-probes": "disabled" }));
        const strict = cli(["--policy-pack-config", tmp, "-", F("probes-missing.yaml")], fs.readFileSync(path.join(REPO_ROOT, F("image-registry-port-pinned.yaml")), "utf8"));
        expect(strict.status).to.equal(1);
        expect(strict.lines.map(l => l.split(" ")[0])).to.deep.equal(["vllm-image-pinned", "vllm-image-pinned"]);
    });

    it("reports every file before exiting 2 when one cannot be read", () => {
        const r = cli(["tests/fixtures/does-not-exist.yaml", F("image-latest-tag.yaml"), F("invalid-yaml.yaml"), F("hpa-dcgm-gpu-util.yaml")]);
        expect(r.status).to.equal(2);
        expect(r.lines.map(l => l.split(" ")[0])).to.deep.equal(["vllm-image-pinned", "hpa-no-gpu-utilization"]);
        expect(r.stderr).to.include("does-not-exist.yaml: cannot read").and.include("invalid-yaml.yaml: invalid YAML in document 1");
        expect(r.stderr).to.include("2 violation(s), 2 mandatory, in 2 object(s) from 4 file(s); 2 file(s) could not be checked");
    });

    it("turns the YAML library's warnings into its own message with file and line", () => {
        const helm = cli([F("helm-unrendered-unquoted.yaml")]);
        expect(helm.status, helm.stderr).to.equal(0);
        expect(helm.stderr).to.include('helm-unrendered-unquoted.yaml:11: unrendered Helm template "{{ .Values.router.replicas }}": render it with `helm template` first');
        expect(helm.stderr).not.to.include("stringified");
        expect(helm.stderr).not.to.match(/\(node:\d+\)|Warning:/);
        const key = cli(["-"], "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\ndata:\n  ? [a, b]\n  : c\n");
        expect(key.status, key.stderr).to.equal(0);
        expect(key.stderr).to.include("-:5: a mapping key is itself a mapping or list, so it is read as a string");
        expect(key.stderr).not.to.include("stringified");
    });

    it("names the objects it did not inspect instead of counting them as checked", () => {
        const r = cli([F("unknown-kinds.yaml"), F("recipe-pinned.yaml")]);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stderr).to.include("0 violation(s), 0 mandatory, in 7 object(s) from 2 file(s); 2 not inspected");
        expect(r.stderr).to.include("not inspected: RayService/llm-serve, InferencePool/vllm-llama3-8b-instruct");
        expect(r.stderr, "a ConfigMap with a Jinja template is neither uninspected nor Helm").not.to.match(/ConfigMap|Helm/);
    });
});

describe("check-manifests parsing: the fast pass (js-yaml) and the exact pass (yaml) agree", () => {
    const read = (name: string) => fs.readFileSync(path.join(REPO_ROOT, F(name)), "utf8");

    it("on every fixture and on the benchmark's generated input", () => {
        const texts: Array<[string, string]> = fs.readdirSync(path.join(REPO_ROOT, "tests", "fixtures")).filter(f => f.endsWith(".yaml")).map(f => [f, read(f)]);
        texts.push(["generated", generateManifests(5).text]);
        let fast = 0;
        for (const [name, text] of texts) {
            const exact = parseExactly(text, name);
            const either = parseManifestText(text, name);
            expect({ ...either, resources: either.resources.map(r => r.props) }, name).to.deep.equal({ ...exact, resources: exact.resources.map(r => r.props) });
            if (!/[{[,]\s*[{[]/.test(text)) fast++;
        }
        expect(fast, "texts that take the fast pass").to.be.greaterThan(10);
    });
});
