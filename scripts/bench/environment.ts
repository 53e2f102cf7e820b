/**
 * The bench measures on a quiet local environment or not at all: a local control plane, a Pulumi
 * engine or a provider that it did not start would compete for the same cores and skew every
 * figure, and stopping them is not the bench's call. This finds them and says how to stop them.
 */
import * as fs from "fs";
import * as path from "path";
import { clusterStatus, DEFAULT_STATE_DIR } from "../../env/cluster";

/** Executables of the project's toolchain whose presence means someone else is using the machine. */
export const FOREIGN_EXECUTABLES = [
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kwok",
    "pulumi",
    "pulumi-language-nodejs",
    "pulumi-resource-kubernetes",
];

export interface ForeignProcess {
    pid: number;
    executable: string;
    commandLine: string;
}

/** Processes on this machine (Linux /proc) running one of `names`, other than `exclude`. */
export function findProcesses(names: string[], exclude: Set<number> = new Set()): ForeignProcess[] {
    let pids: number[];
    try {
        pids = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
    } catch {
        return []; // no /proc (not Linux): only the state-dir check applies
    }
    const found: ForeignProcess[] = [];
    for (const pid of pids) {
        if (exclude.has(pid)) {
            continue;
        }
        let argv: string[];
        try {
            argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
        } catch {
            continue; // exited meanwhile, or not ours to read
        }
        const executable = path.basename(argv[0] ?? "");
        if (names.includes(executable)) {
            found.push({ pid, executable, commandLine: argv.join(" ").slice(0, 160) });
        }
    }
    return found;
}

/**
 * Everything that makes the environment dirty, one message each: a live cluster in the default
 * state dir (the demo's) and any process of the toolchain the bench did not start.
 */
export async function environmentProblems(stateDir: string = DEFAULT_STATE_DIR): Promise<string[]> {
    const problems: string[] = [];
    const status = await clusterStatus({ stateDir });
    const live = status.components.filter((c) => c.running);
    if (live.length > 0) {
        problems.push(
            `a local control plane the bench did not start is running (state ${status.stateDir}: ` +
                `${live.map((c) => `${c.name} pid ${c.pid}`).join(", ")}); stop it with \`npm run demo:down\` ` +
                `or \`npm run cluster -- down\``,
        );
    }
    const recorded = new Set(live.map((c) => c.pid));
    const others = findProcesses(FOREIGN_EXECUTABLES, new Set([process.pid, ...recorded]));
    if (others.length > 0) {
        problems.push(
            `${others.length} process(es) of the toolchain the bench did not start are running (another ` +
                `test run, demo or cluster?); let them finish or stop them by PID\n` +
                others.map((p) => `    pid ${p.pid}: ${p.commandLine}`).join("\n"),
        );
    }
    return problems;
}

/** Throws one error listing every problem {@link environmentProblems} finds. */
export async function assertQuietEnvironment(stateDir: string = DEFAULT_STATE_DIR): Promise<void> {
    const problems = await environmentProblems(stateDir);
    if (problems.length > 0) {
        throw new Error(`refusing to measure on a busy local environment (--allow-busy measures anyway, marked as such):\n  - ${problems.join("\n  - ")}`);
    }
}
