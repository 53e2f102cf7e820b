/**
 * A deleted pod's simulator, ended by the pod runner like the kubelet would: it keeps serving through
 * the preStop sleep (while endpoints drop the pod), a request in flight at SIGTERM still completes,
 * and the process is gone within the grace period. A real simulator on 127.0.0.1; the API server is a
 * stand-in that only has to answer the two calls a worker makes.
 */
import type { CoreV1Api, V1Pod } from "@kubernetes/client-node";
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PodWorker } from "../../env/pods/podWorker";
import { ensureSimBuilt } from "../../sim/build";
import { freePort, waitFor } from "../sim/simProcess";

const fakeCore = { readNamespace: async () => ({ metadata: { annotations: {} } }), patchNamespacedPodStatus: async () => ({}) } as unknown as CoreV1Api;

function pod(port: number, preStopSeconds: number, graceSeconds: number): V1Pod {
    return {
        metadata: { name: "p", namespace: "ns", uid: "u1" },
        spec: {
            terminationGracePeriodSeconds: graceSeconds,
            containers: [{
                name: "vllm", image: "vllm/vllm-openai:v0.11.0",
                args: ["--model=m", `--port=${port}`, "--sim-decode-ms-per-token=200"],
                lifecycle: { preStop: { exec: { command: ["sleep", String(preStopSeconds)] } } },
            }],
        },
        status: { podIP: "127.0.0.1" },
    };
}

describe("pod runner: a deleted pod ends gracefully (preStop sleep, drain, grace period) @process", function () {
    this.timeout(60_000);
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-worker-"));
    let worker: PodWorker | undefined;
    after(async () => {
        await worker?.stop();
        fs.rmSync(logDir, { recursive: true, force: true });
    });

    it("serves through the preStop sleep, finishes the in-flight request after SIGTERM, then exits", async () => {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        worker = new PodWorker(pod(port, 2, 10), { core: fakeCore, simMain: ensureSimBuilt(), logDir, simDefaults: {}, log: () => undefined });
        await worker.start();
        await waitFor("the simulator's /health", 15_000, async () => ((await fetch(`${url}/health`)).ok ? true : undefined));
        const [pid] = worker.pids();
        const started = Date.now();
        const stopping = worker.stop({ graceful: true });
        await new Promise((r) => setTimeout(r, 1000));
        // 1 s into a 2 s preStop: still serving; this request (10 tokens x 200 ms) outlives the SIGTERM at 2 s.
        const inFlight = fetch(`${url}/v1/completions`, { method: "POST", body: JSON.stringify({ model: "m", prompt: "x", max_tokens: 10 }) });
        expect((await fetch(`${url}/health`)).status).to.equal(200);
        await stopping;
        const seconds = (Date.now() - started) / 1000;
        const res = await inFlight;
        expect(res.status).to.equal(200);
        expect(((await res.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).to.equal(10);
        expect(seconds).to.be.within(2.5, 10);
        expect(() => process.kill(pid, 0)).to.throw();
        await fetch(`${url}/health`).then(() => expect.fail("still listening"), () => undefined);
    });
});
