/**
 * `npm run cluster`: the local control plane from the shell. The cluster itself lives in env/cluster/
 * (one module per process, envtest-style), which scripts and tests import; this file is only its CLI.
 *
 * Library (env/cluster):
 *   const c = await startCluster();          // reuses a healthy cluster of the same stateDir
 *   process.env.KUBECONFIG = c.kubeconfig;   // or spawn with { env: { ...process.env, ...c.env } }
 *   ...
 *   await stopCluster();                     // SIGTERM, then SIGKILL after a bound, by PID
 *   registerCleanup();                       // also stop it on process exit / SIGINT / SIGTERM
 *
 * CLI: ts-node scripts/local-cluster.ts up|down|status [--bin-dir DIR]... [--state-dir DIR] [--no-build] [--all-crds]
 */
import * as path from "path";
import { parseArgs } from "util";
import { clusterStatus, ensureClusterToolchain, startCluster, stopCluster } from "../env/cluster";

const USAGE =
    "usage: ts-node scripts/local-cluster.ts up|down|status [--bin-dir DIR]... [--state-dir DIR] [--no-build] [--all-crds]\n" +
    "  up      start (or reuse) the local control plane; prints `export KUBECONFIG=...`\n" +
    "          builds missing binaries first (tools/ensure-toolchain.sh kube etcd kwok crds) unless --no-build\n" +
    "          --all-crds: apply every Prometheus Operator CRD, not only DEFAULT_CRDS\n" +
    "  down    stop exactly the processes it started\n" +
    "  status  JSON status; exit 0 when healthy, 3 otherwise\n";

async function main(argv: string[]): Promise<number> {
    // node:util parseArgs rejects unknown flags and a flag missing its value with a clear message.
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                "bin-dir": { type: "string", multiple: true },
                "state-dir": { type: "string" },
                "no-build": { type: "boolean" },
                "all-crds": { type: "boolean" },
            },
        });
    } catch (e) {
        process.stderr.write(`${(e as Error).message}\n${USAGE}`);
        return 2;
    }
    const { values, positionals } = parsed;
    const [cmd, ...extra] = positionals;
    if (extra.length > 0) {
        process.stderr.write(`unexpected argument: ${extra[0]}\n${USAGE}`);
        return 2;
    }
    const binDirs = (values["bin-dir"] ?? []).map((d) => path.resolve(d));
    const stateDir = values["state-dir"] === undefined ? undefined : path.resolve(values["state-dir"]);
    const build = !values["no-build"];
    const crds: "all" | undefined = values["all-crds"] ? "all" : undefined;
    switch (cmd) {
        case "up": {
            const dirs = build ? ensureClusterToolchain({ binDirs }) : binDirs;
            const info = await startCluster({ binDirs: dirs, stateDir, crds });
            process.stdout.write(
                `export KUBECONFIG=${info.kubeconfig}\n` +
                    `# server ${info.server}; nodes ${info.nodes.join(", ")}; ${info.reused ? "reused" : `started in ${(info.startMs / 1000).toFixed(1)}s`}\n` +
                    `# stop with: ts-node scripts/local-cluster.ts down\n`,
            );
            return 0;
        }
        case "down":
            await stopCluster({ stateDir });
            return 0;
        case "status": {
            const s = await clusterStatus({ stateDir });
            process.stdout.write(JSON.stringify(s, null, 2) + "\n");
            return s.healthy ? 0 : 3;
        }
        default:
            process.stderr.write(USAGE);
            return 2;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err: Error) => {
            process.stderr.write(`${err.message}\n`);
            process.exit(1);
        },
    );
}
