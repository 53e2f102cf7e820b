import { expect } from "chai";
import { DEFAULT_GRACE_SECONDS, gracePeriodMs, preStopSleepSeconds } from "../../env/pods/termination";
import { PRE_STOP_SLEEP_SECONDS } from "../../components/manifests/deployment";
import { SIM_ANNOTATION_PREFIX, simulatorArgs } from "../../env/pods/vllmContainer";

describe("pod runner: termination like the kubelet (preStop sleep, grace period)", () => {
    it("reads the component's preStop hook as a sleep of PRE_STOP_SLEEP_SECONDS", () => {
        expect(preStopSleepSeconds({ name: "vllm", lifecycle: { preStop: { exec: { command: ["sleep", String(PRE_STOP_SLEEP_SECONDS)] } } } })).to.equal(PRE_STOP_SLEEP_SECONDS);
    });
    it("reads the sleep action and `sh -c 'sleep N'`", () => {
        expect(preStopSleepSeconds({ name: "c", lifecycle: { preStop: { sleep: { seconds: 7 } } } })).to.equal(7);
        expect(preStopSleepSeconds({ name: "c", lifecycle: { preStop: { exec: { command: ["/bin/sh", "-c", "sleep 3"] } } } })).to.equal(3);
    });
    it("other hooks and no hook sleep 0 s", () => {
        expect(preStopSleepSeconds({ name: "c" })).to.equal(0);
        expect(preStopSleepSeconds({ name: "c", lifecycle: { preStop: { exec: { command: ["curl", "-X", "POST", "localhost/drain"] } } } })).to.equal(0);
        expect(preStopSleepSeconds({ name: "c", lifecycle: { preStop: { exec: { command: ["sleep", "x"] } } } })).to.equal(0);
    });
    it("the grace period is the pod's terminationGracePeriodSeconds, 30 s by default", () => {
        expect(gracePeriodMs({ spec: { containers: [], terminationGracePeriodSeconds: 5 } })).to.equal(5000);
        expect(gracePeriodMs({ spec: { containers: [] } })).to.equal(DEFAULT_GRACE_SECONDS * 1000);
    });
});

describe("pod runner: simulator knobs scoped to an image tag", () => {
    const P = SIM_ANNOTATION_PREFIX;
    const annotations = { [`${P}prefill-ms-per-token`]: "1", [`${P}tag-v0.11.2.prefill-ms-per-token`]: "100", [`${P}tag-v0.11.3.load-seconds`]: "3600" };
    it("applies a tag-scoped knob only to that tag, after (so over) the general one", () => {
        const args = simulatorArgs([], "10.244.0.5", annotations, "vllm/vllm-openai:v0.11.2");
        expect(args).to.deep.equal(["--host=10.244.0.5", "--sim-image=vllm/vllm-openai:v0.11.2", "--sim-prefill-ms-per-token=1", "--sim-prefill-ms-per-token=100"]);
    });
    it("other tags and digests get the general knobs only", () => {
        expect(simulatorArgs([], "10.244.0.5", annotations, "vllm/vllm-openai:v0.11.0")).to.deep.equal(["--host=10.244.0.5", "--sim-image=vllm/vllm-openai:v0.11.0", "--sim-prefill-ms-per-token=1"]);
        expect(simulatorArgs([], "10.244.0.5", annotations, `vllm/vllm-openai@sha256:${"a".repeat(64)}`)).to.not.include("--sim-load-seconds=3600");
    });
});
