/**
 * The shared parser (@vllm-pulumi/kube-parser): command-line tokenising, vLLM detection and flags,
 * workload kinds, autoscaling metrics and selectors.
 */
import { expect } from "chai";
import {
    commandTokens,
    containersOf,
    expandKubeVars,
    findFlag,
    gpuUtilizationIn,
    isGoTemplate,
    isVllmImage,
    kubeObject,
    matchesSelector,
    objectRef,
    parallelismFlagsIn,
    parseImageReference,
    parseQuantity,
    pulumiType,
    shellWords,
    templateSymbol,
    vllmParallelism,
    vllmServer,
    vllmTensorParallelSize,
} from "@vllm-pulumi/kube-parser";
import { fixture } from "./support";

describe("kube parser: command lines", () => {
    it("splits shell scripts like sh does (quotes, escapes, continuations, comments, operators)", () => {
        expect(shellWords(`vllm serve 'my model' --x "a b" c\\ d # comment`)).to.deep.equal(["vllm", "serve", "my model", "--x", "a b", "c d"]);
        expect(shellWords("a \\\n  b && c;d | e")).to.deep.equal(["a", "b", "&&", "c", ";", "d", "|", "e"]);
        expect(shellWords("x\ny")).to.deep.equal(["x", ";", "y"]);
        expect(shellWords("vllm serve m 2>&1 -tp 2 &>log & wait")).to.deep.equal(["vllm", "serve", "m", "2>&1", "-tp", "2", "&>log", "&", "wait"]);
        expect(shellWords(`n=$(nproc) "$(echo hi)"`)).to.deep.equal(["n=$(nproc)", "$(echo hi)"]);
    });

    it("expands $VAR, ${VAR} and ${VAR:-default} in scripts from literal env, keeps the rest", () => {
        const env = (n: string) => ({ TP: "4" } as Record<string, string>)[n];
        expect(shellWords("-tp $TP -pp ${TP} -dp ${DP:-2} $UNSET", env)).to.deep.equal(["-tp", "4", "-pp", "4", "-dp", "2", "$UNSET"]);
        expect(shellWords("'$TP'", env)).to.deep.equal(["$TP"]);
    });

    it("expands Kubernetes $(VAR) references and $$ escapes", () => {
        const env = (n: string) => (n === "TP" ? "2" : undefined);
        expect(expandKubeVars("--tensor-parallel-size=$(TP)", env)).to.equal("--tensor-parallel-size=2");
        expect(expandKubeVars("$$(TP) $(NOPE)", env)).to.equal("$(TP) $(NOPE)");
    });

    it("unwraps sh -c / bash -lc / sh -ec scripts, from command or args, recursively", () => {
        expect(commandTokens(["sh", "-c", "vllm serve m -tp 2", "argv0"], undefined)).to.deep.equal(["vllm", "serve", "m", "-tp", "2"]);
        expect(commandTokens(["/bin/bash", "-lc"], ["exec vllm serve m"])).to.deep.equal(["exec", "vllm", "serve", "m"]);
        expect(commandTokens(["bash", "-o", "pipefail", "-ec", "a && sh -c 'vllm serve m -tp 8'"], [])).to.deep.equal(["a", "&&", "vllm", "serve", "m", "-tp", "8"]);
        expect(commandTokens(undefined, ["--model", 3])).to.deep.equal(["--model", "3"]);
    });

    it("finds a flag as --name=V, --name V, an alias, with underscores; the last one wins", () => {
        const names = ["--tensor-parallel-size", "-tp"];
        expect(findFlag(["--tensor-parallel-size=2"], names)).to.deep.include({ flag: "--tensor-parallel-size", raw: "2", value: 2 });
        expect(findFlag(["--tensor-parallel-size", "4"], names)?.value).to.equal(4);
        expect(findFlag(["-tp", "8"], names)).to.deep.include({ flag: "-tp", value: 8 });
        expect(findFlag(["--tensor_parallel_size=2"], names)?.value).to.equal(2);
        expect(findFlag(["-tp", "2", "--tensor-parallel-size=4"], names)?.value).to.equal(4);
        expect(findFlag(["--tensor-parallel-size-other=4"], names)).to.equal(undefined);
        // argparse expands a unique abbreviation (issue 16): -t is -tp, --tensor is --tensor-parallel-size.
        expect(findFlag(["-t", "2"], names)).to.deep.equal({ flag: "-t", expands: "-tp", raw: "2", value: 2 });
        expect(findFlag(["--tensor=2"], names)).to.deep.equal({ flag: "--tensor", expands: "--tensor-parallel-size", raw: "2", value: 2 });
        expect(findFlag(["--tensor-parallel-size=two"], names)).to.deep.include({ raw: "two", value: undefined });
        expect(findFlag(["--tensor-parallel-size"], names)).to.deep.include({ raw: "", value: undefined });
    });

    it("computes the GPUs a server needs: TP x PP x local DP, 1 when unset", () => {
        expect(vllmParallelism([]).gpus).to.equal(1);
        expect(vllmParallelism(["-tp", "2", "-pp", "2"]).gpus).to.equal(4);
        expect(vllmParallelism(["-tp", "2", "--data-parallel-size", "4"]).gpus).to.equal(8);
        expect(vllmParallelism(["-tp", "2", "-dp", "4", "--data-parallel-size-local", "2"]).gpus).to.equal(4);
        expect(vllmParallelism(["-tp", "x"]).invalid.map(f => f.raw)).to.deep.equal(["x"]);
    });

    it("vllmTensorParallelSize: what the component uses to refuse extra args that set TP", () => {
        expect(vllmTensorParallelSize(["--max-num-seqs=64"])).to.equal(undefined);
        expect(vllmTensorParallelSize(["--tensor-parallel-size=4"])).to.equal(4);
        expect(vllmTensorParallelSize(["--tensor-parallel-size", "2"])).to.equal(2);
        expect(vllmTensorParallelSize(["-tp", "8"])).to.equal(8);
        expect(vllmTensorParallelSize(["--tensor_parallel_size=2"])).to.equal(2);
        expect(vllmTensorParallelSize(["--tensor-parallel-size=abc"])).to.be.NaN;
        expect(parallelismFlagsIn(["--enforce-eager", "-pp", "2", "--data-parallel-size=2"])).to.deep.equal(["-pp", "--data-parallel-size"]);
    });
});

describe("kube parser: what is a vLLM container", () => {
    it("recognises vLLM images on any registry, and nothing else", () => {
        for (const image of ["vllm/vllm-openai:v0.8.5", "docker.io/vllm/vllm-openai", "ghcr.io/acme/vllm-openai:1", "registry.local:5000/mirror/vllm-openai", "rocm/vllm:latest", "vllm/vllm-tpu:nightly", "acme/vllm-openai-rocm:1"]) {
            expect(isVllmImage(image), image).to.equal(true);
        }
        for (const image of ["nvcr.io/nvidia/tritonserver:24.08-vllm-python-py3", "ghcr.io/huggingface/text-generation-inference:2.4", "lmsysorg/sglang:latest", "acme/vllm-tools:1", "ghcr.io/vllm/other:1", undefined, ""]) {
            expect(isVllmImage(image), String(image)).to.equal(false);
        }
    });

    it("recognises the server by vllm serve, python -m vllm.entrypoints.*, or a vLLM image's own entrypoint", () => {
        expect(vllmServer({ image: "x/y:1", command: ["vllm", "serve", "m", "-tp", "2"] })).to.deep.equal({ evidence: "vllm serve", args: ["m", "-tp", "2"] });
        expect(vllmServer({ image: "x/y:1", command: ["python3", "-m", "vllm.entrypoints.openai.api_server", "--port", "8000"] })?.evidence).to.equal("python -m vllm.entrypoints");
        expect(vllmServer({ image: "vllm/vllm-openai:v0.8.5", args: ["--model", "m"] })).to.deep.equal({ evidence: "image entrypoint", args: ["--model", "m"] });
        // Only the vLLM command's own arguments: not a download step's flags before it.
        expect(vllmServer({ image: "x/y:1", command: ["sh", "-c", "dl --tensor-parallel-size 9 && vllm serve m -tp 2; echo done"] })?.args).to.deep.equal(["m", "-tp", "2"]);
    });

    it("does not take a vLLM image running something else, Triton, TGI or SGLang for a vLLM server", () => {
        expect(vllmServer({ image: "vllm/vllm-openai:v0.8.5", command: ["python3", "bench.py"] })).to.equal(undefined);
        expect(vllmServer({ image: "nvcr.io/nvidia/tritonserver:24.08-vllm-python-py3", command: ["tritonserver", "--model-repository=/models"] })).to.equal(undefined);
        expect(vllmServer({ image: "ghcr.io/huggingface/text-generation-inference:2.4", args: ["--model-id", "m", "--num-shard", "2"] })).to.equal(undefined);
        expect(vllmServer({ image: "lmsysorg/sglang:v0.4", command: ["python3", "-m", "sglang.launch_server", "--tp", "2"] })).to.equal(undefined);
    });
});

describe("kube parser: objects and workloads", () => {
    it("reads Pulumi resource types and manifests the same way", () => {
        expect(pulumiType("apps/v1", "Deployment")).to.equal("kubernetes:apps/v1:Deployment");
        expect(pulumiType("v1", "Pod")).to.equal("kubernetes:core/v1:Pod");
        const body = { metadata: { name: "p", namespace: "ns" }, spec: {} };
        expect(kubeObject("kubernetes:core/v1:Pod", body)).to.deep.include({ group: "", version: "v1", kind: "Pod" });
        expect(kubeObject(undefined, { apiVersion: "v1", kind: "Pod", ...body })).to.deep.include({ group: "", version: "v1", kind: "Pod" });
        expect(kubeObject("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", {})).to.deep.include({ group: "monitoring.coreos.com", kind: "ServiceMonitor" });
        expect(kubeObject("random:index/randomPassword:RandomPassword", {})).to.equal(undefined);
        expect(kubeObject("vllm:index:VllmService", {})).to.equal(undefined);
        expect(kubeObject(undefined, { kind: "Pod" })).to.equal(undefined);
        expect(objectRef(kubeObject("kubernetes:core/v1:Pod", body)!)).to.equal("Pod/ns/p");
        expect(objectRef(kubeObject("kubernetes:core/v1:Pod", {})!, "res")).to.equal("Pod/default/res");
    });

    it("finds the containers of all 8 workload kinds", () => {
        const objects = fixture("workload-kinds-latest.yaml").map(r => kubeObject(r.type, r.props)!);
        expect(objects.map(o => o.kind)).to.deep.equal(["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "CronJob"]);
        for (const o of objects) {
            expect(containersOf(o).map(c => c.name), o.kind).to.deep.equal(["bench"]);
        }
    });

    it("lists init and ephemeral containers after app containers; other kinds have none", () => {
        const pod = kubeObject(undefined, {
            apiVersion: "v1",
            kind: "Pod",
            spec: { containers: [{ name: "a" }], initContainers: [{ name: "i" }], ephemeralContainers: [{ name: "e" }] },
        })!;
        expect(containersOf(pod).map(c => `${c.list}:${c.name}`)).to.deep.equal(["containers:a", "initContainers:i", "ephemeralContainers:e"]);
        expect(containersOf(kubeObject(undefined, { apiVersion: "v1", kind: "Service", spec: {} })!)).to.deep.equal([]);
        // A custom resource that happens to be called Deployment is not a workload.
        expect(containersOf(kubeObject(undefined, { apiVersion: "acme.io/v1", kind: "Deployment", spec: { template: { spec: { containers: [{}] } } } })!)).to.deep.equal([]);
    });
});

describe("kube parser: metrics and selectors", () => {
    it("names GPU utilization in every exporter's spelling", () => {
        for (const text of ["DCGM_FI_DEV_GPU_UTIL", "avg(DCGM_FI_DEV_GPU_UTIL{pod=~\"vllm.*\"})", "DCGM_FI_PROF_GR_ENGINE_ACTIVE", "nvidia_gpu_duty_cycle", "kubernetes.io|container|accelerator|duty_cycle", "gpu_utilization", "GPUUtilization", "nvidia_smi_utilization_gpu_ratio", "amd_gpu_busy_percent", "nvidia.com/gpu"]) {
            expect(gpuUtilizationIn(text), text).to.be.a("string");
        }
        expect(gpuUtilizationIn("avg(DCGM_FI_DEV_GPU_UTIL{pod=~\"vllm.*\"})")).to.equal("DCGM_FI_DEV_GPU_UTIL");
    });

    it("does not call GPU-adjacent signals that are not utilization GPU utilization", () => {
        for (const text of ["vllm:num_requests_waiting", "vllm:gpu_cache_usage_perc", "vllm:kv_cache_usage_perc", "DCGM_FI_DEV_FB_USED", "cpu", "memory", "gpu_memory_used_bytes"]) {
            expect(gpuUtilizationIn(text), text).to.equal(undefined);
        }
        expect(gpuUtilizationIn("my_custom_busy_metric", [/custom_busy/i])).to.equal("my_custom_busy_metric");
    });

    it("evaluates label selectors like the API server", () => {
        const labels = { app: "vllm", tier: "serving" };
        expect(matchesSelector(undefined, labels)).to.equal(true);
        expect(matchesSelector({}, labels)).to.equal(true);
        expect(matchesSelector({ matchLabels: { app: "vllm" } }, labels)).to.equal(true);
        expect(matchesSelector({ matchLabels: { app: "vllm-server" } }, labels)).to.equal(false);
        expect(matchesSelector({ matchExpressions: [{ key: "app", operator: "In", values: ["a", "vllm"] }] }, labels)).to.equal(true);
        expect(matchesSelector({ matchExpressions: [{ key: "app", operator: "NotIn", values: ["vllm"] }] }, labels)).to.equal(false);
        expect(matchesSelector({ matchExpressions: [{ key: "tier", operator: "Exists" }] }, labels)).to.equal(true);
        expect(matchesSelector({ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, labels)).to.equal(false);
    });
});

describe("kube parser: image references, grammar edge cases", () => {
    it("accepts what distribution/reference accepts and refuses the rest", () => {
        const hex = "a".repeat(64);
        const valid: Array<[string, object]> = [
            ["ubuntu", { path: "ubuntu" }],
            ["docker.io/library/ubuntu:24.04", { domain: "docker.io", path: "library/ubuntu", tag: "24.04" }],
            [`localhost:5000/vllm@sha256:${hex}`, { domain: "localhost:5000", path: "vllm", digest: `sha256:${hex}` }],
            ["[2001:db8::1]:5000/vllm/vllm-openai:v0.11.0", { domain: "[2001:db8::1]:5000", path: "vllm/vllm-openai", tag: "v0.11.0" }],
            ["Registry.Example.com/vllm:v1", { domain: "Registry.Example.com", path: "vllm", tag: "v1" }],
            ["a__b/c--d.e_f:T_1.x-y", { path: "a__b/c--d.e_f", tag: "T_1.x-y" }],
            [`vllm/vllm-openai:v0.11.0@sha256:${hex}`, { path: "vllm/vllm-openai", tag: "v0.11.0", digest: `sha256:${hex}` }],
        ];
        for (const [image, ref] of valid) expect(parseImageReference(image), image).to.deep.equal({ ok: true, ref });
        const invalid = ["", "vllm/Vllm-openai:v1", "a___b", "a..b", "-vllm", "vllm-", "vllm:v1:v2", ":v1", "vllm:-v1", `vllm@sha256:${"a".repeat(63)}`, `vllm@md5:${hex}`, "vllm/ vllm", "vllm/vllm-openai:" + "x".repeat(129)];
        for (const image of invalid) expect(parseImageReference(image).ok, JSON.stringify(image)).to.equal(false);
    });
});

describe("kube parser: a megabyte of hostile input is read at once (issue 16)", () => {
    // Each of these patterns once backtracked: quadratic (quantities: 20 KB took 1.4 s) or worse
    // (a template symbol over 16 KB of blanks never returned). Mocha's timeout catches a regression.
    const MB = 1 << 20;
    it("quantities", () => {
        expect(parseQuantity("1".repeat(MB) + "x")).to.equal(undefined);
        expect(parseQuantity("1".repeat(MB) + ".5x")).to.equal(undefined);
        expect(parseQuantity("16Gi")).to.equal(16 * 2 ** 30);
    });
    it("template actions and symbols", () => {
        const blanks = "{{" + " ".repeat(MB);
        expect(templateSymbol(blanks)).to.equal(undefined);
        expect(isGoTemplate(blanks)).to.equal(false);
        expect(templateSymbol("{{" + " ".repeat(MB) + "x }}")).to.equal("{{x}}");
        expect(templateSymbol("{{- .Values.tp -}}")).to.equal("{{.Values.tp}}");
        expect(templateSymbol("{{ a }} {{ b }}")).to.equal(undefined);
    });
});
