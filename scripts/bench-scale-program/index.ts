/**
 * `npm run bench`'s scale program: `instances` VllmServices (the dev stack's settings) in one
 * stack, each in its own namespace, so the curve shows what one more service costs a preview.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as Components from "../../components";

// Runs only from a PulumiWorkspace copy, where `components` links to the repo's components/;
// the type import above lets `tsc -p .` check this file in place.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { VllmService } = require("./components") as typeof Components;

const config = new pulumi.Config();
const instances = config.requireNumber("instances");
// No pulumi-random provider can be built here (tools/README.md): every instance gets this key.
const apiKey = config.requireSecret("apiKey");

for (let i = 0; i < instances; i++) {
    new VllmService(`vllm-${i}`, {
        namespace: `bench-${i}`,
        createNamespace: true,
        model: "Qwen/Qwen2.5-0.5B-Instruct",
        modelRevision: "7ae557604adf67be50417f59c2c2f167def9a775",
        maxModelLen: 4096,
        memory: "8Gi",
        cpuRequest: "2",
        maxReplicas: 2,
        apiKey,
    });
}
