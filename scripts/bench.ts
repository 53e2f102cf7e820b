/**
 * `npm run bench`: how much `pulumi preview` of the dev stack costs over the engine's floor
 * (an empty TypeScript program), and what the policy pack adds. All measured in one run,
 * side by side, against the local control plane (or KUBECONFIG), medians of N runs.
 *
 *   npm run bench [-- --runs 5]
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureClusterToolchain, startCluster, stopCluster } from "./local-cluster";
import { PulumiWorkspace } from "./pulumi-workspace";
import { REPO_ROOT, toolchainEnv } from "./toolchain";

const POLICY_PACK = path.join(REPO_ROOT, "policy");

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

async function timePreview(ws: PulumiWorkspace, args: string[], runs: number): Promise<number> {
    await ws.must(["preview", ...args]); // warm-up: plugin start-up caches, ts-node cache
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        await ws.must(["preview", ...args]);
        times.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
    return median(times);
}

async function main(): Promise<void> {
    const runsArg = process.argv.indexOf("--runs");
    const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
    const env = toolchainEnv();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-pulumi-bench-"));
    let kubeconfig = process.env.KUBECONFIG;
    const stateDir = path.join(tmp, "cluster");
    if (!kubeconfig) {
        const binDirs = ensureClusterToolchain({ binDirs: (env.PATH ?? "").split(path.delimiter) });
        kubeconfig = (await startCluster({ binDirs, stateDir, reuse: false })).kubeconfig;
    }
    try {
        const empty = new PulumiWorkspace({ dir: path.join(tmp, "empty"), programDir: path.join(__dirname, "bench-empty-program"), kubeconfig });
        const dev = new PulumiWorkspace({ dir: path.join(tmp, "dev"), kubeconfig });
        await empty.selectStack("bench");
        await dev.selectStack("dev");
        // No pulumi-random provider can be built here (tools/README.md): supply the API key.
        await dev.setSecret("apiKey", crypto.randomBytes(24).toString("base64url"));

        const floor = await timePreview(empty, [], runs);
        const plain = await timePreview(dev, [], runs);
        const withPack = await timePreview(dev, ["--policy-pack", POLICY_PACK], runs);

        const cpus = os.cpus();
        console.log(`pulumi preview, median of ${runs} runs after a warm-up (${cpus.length} x ${cpus[0]?.model ?? "cpu"}, Node ${process.version})`);
        console.log(`  empty TypeScript program (engine floor)   ${floor.toFixed(2)} s`);
        console.log(`  dev stack                                 ${plain.toFixed(2)} s   ${(plain / floor).toFixed(2)}x the floor`);
        console.log(`  dev stack --policy-pack policy            ${withPack.toFixed(2)} s   ${(withPack / plain).toFixed(2)}x without the pack`);
    } finally {
        if (!process.env.KUBECONFIG) {
            await stopCluster({ stateDir });
        }
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

main().catch((e) => {
    console.error(`bench failed: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
});
