/**
 * Runs one mocha test file inside a throw-away network namespace (env/netns.ts), for tests whose
 * own process must live where the local environment lives (it talks to 127.0.0.1 and pod IPs of
 * the namespace). Afterwards every process still inside the namespace is a leak: it is reported
 * and stopped by PID, and the namespace is deleted.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { createNetns, deleteNetns, nsCommand } from "../../env/netns";
import { stopProcess } from "../../env/process";
import { REPO_ROOT } from "../../scripts/toolchain";

export interface NetnsRunResult {
    status: number | null;
    /** Processes found in the namespace after the run (then stopped): should be none. */
    leaked: { pid: number; cmdline: string }[];
}

function processesIn(nsInode: string, except: number): { pid: number; cmdline: string }[] {
    const found: { pid: number; cmdline: string }[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        const pid = Number(entry);
        if (!Number.isInteger(pid) || pid === except) continue;
        try {
            if (fs.readlinkSync(`/proc/${pid}/ns/net`) !== nsInode) continue;
            found.push({ pid, cmdline: fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim() });
        } catch {
            /* exited meanwhile */
        }
    }
    return found;
}

/** `mocha <testFile>` inside a new namespace with `localRanges` routed to lo; env adds `marker=1`. */
export async function runMochaInNetns(o: { testFile: string; marker: string; logDir: string; localRanges: string[] }): Promise<NetnsRunResult> {
    const ns = await createNetns({ logFile: path.join(o.logDir, "netns.log"), localRanges: o.localRanges });
    const nsInode = fs.readlinkSync(ns.path);
    try {
        const mocha = path.join(REPO_ROOT, "node_modules", "mocha", "bin", "mocha.js");
        const [cmd, args] = nsCommand(ns, process.execPath, [mocha, o.testFile]);
        const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: "inherit", env: { ...process.env, [o.marker]: "1" } });
        const status = await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        const leaked = processesIn(nsInode, ns.holder.pid);
        for (const p of leaked) await stopProcess({ name: "leaked", pid: p.pid, command: p.cmdline.split(" ")[0], args: [], logFile: "" }, 5_000);
        return { status, leaked };
    } finally {
        await deleteNetns(ns);
    }
}
