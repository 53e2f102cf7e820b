/**
 * Runs a command under a subreaper, so the CPU time of every process it starts is counted, also of
 * those nobody waits for: the engine stops a policy pack's Node process instead of waiting for it,
 * and without this its start-up (the pack's whole cost) would be missing from the CPU column.
 * Linux's PR_SET_CHILD_SUBREAPER, set by a few lines of Python (Node has no prctl): orphans of the
 * command are re-parented to it and it reaps them, so their CPU adds to its own waited-for children's,
 * which is what childrenCpuSeconds() reads. Without Linux or python3 the command runs directly.
 */
import { spawn, spawnSync } from "child_process";
import * as os from "os";

/** Forks the command, reaps it and every orphan it leaves (for at most 30 s after it exits), exits with its code. */
const SUBREAPER = `
import ctypes, os, signal, sys
PR_SET_CHILD_SUBREAPER = 36
if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    sys.exit("bench subreaper: prctl(PR_SET_CHILD_SUBREAPER) failed: errno %d" % ctypes.get_errno())
main = os.fork()
if main == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
code = None
def give_up(*_):
    sys.stderr.write("bench subreaper: processes the command started still run 30 s after it exited; not waiting for them\\n")
    os._exit(code if code is not None else 1)
signal.signal(signal.SIGALRM, give_up)
while True:
    try:
        pid, status = os.wait()
    except ChildProcessError:
        break
    if pid == main:
        code = os.waitstatus_to_exitcode(status)
        signal.alarm(30)
sys.exit(code if code >= 0 else 128 - code)
`;

let python: string | null | undefined;

/** The python3 executable itself (not a shim), or null where the subreaper cannot run. */
export function subreaperPython(): string | null {
    if (python === undefined) {
        const r = os.platform() === "linux" ? spawnSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }) : undefined;
        python = r && r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
    }
    return python;
}

export interface ReapedResult {
    code: number;
    output: string;
}

/** Runs `command args` in `cwd` with `env` under the subreaper; resolves when it and its orphans are reaped. */
export function runReaped(command: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<ReapedResult> {
    const py = subreaperPython();
    const [file, argv] = py ? [py, ["-c", SUBREAPER, command, ...args]] : [command, args];
    return new Promise((resolve, reject) => {
        const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (d) => (output += d));
        child.stderr.on("data", (d) => (output += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, output }));
    });
}
