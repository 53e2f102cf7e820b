/** Which containers the pod runner turns into simulators, and with what command line. */
import { expect } from "chai";
import { deploymentArgs } from "../../components/manifests/deployment";
import { validateArgs } from "../../components/validate";
import { isVllmImage } from "@vllm-pulumi/kube-parser";
import { simulatorArgs, vllmServerFlags } from "../../env/pods/vllmContainer";
import { ProbeState, probePort, probeTiming } from "../../env/pods/probe";

describe("pod runner: vLLM containers", () => {
    it("takes the component's Deployment container as a vLLM server, flags unchanged", () => {
        const m = validateArgs("t", { model: "Qwen/Qwen2.5-0.5B-Instruct", modelRevision: "abc123", namespace: "x" });
        const c = (deploymentArgs(m).spec as any).template.spec.containers[0];
        const flags = vllmServerFlags(c);
        expect(flags).to.deep.equal(c.args);
        expect(flags).to.include("--served-model-name=default");
    });

    it("strips the launcher: vllm serve MODEL, python -m api_server, sh -c scripts", () => {
        expect(vllmServerFlags({ name: "a", image: "x/y:1", command: ["vllm", "serve", "m/x", "--port", "8000"] })).to.deep.equal([
            "--model=m/x",
            "--port",
            "8000",
        ]);
        expect(
            vllmServerFlags({ name: "a", image: "x:1", command: ["python3", "-m", "vllm.entrypoints.openai.api_server"], args: ["--model=m"] }),
        ).to.deep.equal(["--model=m"]);
        expect(vllmServerFlags({ name: "a", image: "x:1", command: ["/bin/sh", "-c", "exec vllm serve 'm/x' --max-num-seqs 4"] })).to.deep.equal([
            "--model=m/x",
            "--max-num-seqs",
            "4",
        ]);
    });

    it("leaves other servers alone", () => {
        expect(vllmServerFlags({ name: "a", image: "ghcr.io/huggingface/text-generation-inference:3.0", args: ["--model-id=m"] })).to.equal(undefined);
        expect(vllmServerFlags({ name: "a", image: "nginx:1.27" })).to.equal(undefined);
        // A router in front of vLLM is not a vLLM server (the parser package's detector, shared with the policy pack).
        expect(vllmServerFlags({ name: "a", image: "docker.io/lmcache/vllm-router:0.1.0", args: ["--port=8000"] })).to.equal(undefined);
        expect(isVllmImage("registry.local:5000/mirror/vllm-openai:v0.11.0")).to.equal(true);
        expect(isVllmImage("rocm/vllm@sha256:" + "a".repeat(64))).to.equal(true);
        expect(isVllmImage("nvcr.io/nim/llama:1")).to.equal(false);
    });

    it("binds the pod IP last and turns sim annotations into flags", () => {
        const args = simulatorArgs(["--host=0.0.0.0", "--port=8000"], "10.244.0.7", {
            "sim.vllm-pulumi.dev/load-seconds": "30",
            "other/annotation": "x",
        });
        expect(args).to.deep.equal(["--host=0.0.0.0", "--port=8000", "--host=10.244.0.7", "--sim-load-seconds=30"]);
    });
});

describe("pod runner: probe semantics", () => {
    it("applies the API defaults and resolves named ports", () => {
        expect(probeTiming({})).to.deep.equal({ initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
        const c = { name: "v", ports: [{ name: "http", containerPort: 8000 }] };
        expect(probePort("http", c)).to.equal(8000);
        expect(probePort("8080", c)).to.equal(8080);
        expect(probePort("metrics", c)).to.equal(undefined);
    });

    it("fails only after failureThreshold consecutive failures; a success resets the count", () => {
        const s = new ProbeState(probeTiming({ failureThreshold: 3 }));
        expect([s.record(false), s.record(false), s.record(true)]).to.deep.equal([undefined, undefined, "passed"]);
        expect([s.record(false), s.record(false), s.record(false)]).to.deep.equal([undefined, undefined, "failed"]);
    });

    it("passes readiness only after successThreshold consecutive successes", () => {
        const s = new ProbeState(probeTiming({ successThreshold: 2 }));
        expect([s.record(true), s.record(false), s.record(true), s.record(true)]).to.deep.equal([undefined, undefined, undefined, "passed"]);
    });
});
