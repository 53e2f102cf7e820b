import { expect } from "chai";
import { DEFAULT_GRACE_SECONDS, gracePeriodMs, preStopSleepSeconds } from "../../env/pods/termination";
import { PRE_STOP_SLEEP_SECONDS } from "../../components/manifests/deployment";

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
