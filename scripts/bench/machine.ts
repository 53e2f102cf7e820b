/** What the figures were measured on: printed above them, with the command and the date. */
import { execFileSync } from "child_process";
import * as os from "os";

export interface Machine {
    cores: number;
    cpu: string;
    memoryGiB: number;
    node: string;
    pulumi: string;
}

export function describeMachine(env: NodeJS.ProcessEnv): Machine {
    const cpus = os.cpus();
    let pulumi = "not found";
    try {
        pulumi = execFileSync("pulumi", ["version"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
        /* reported as "not found"; the previews then fail with the CLI's own message */
    }
    return {
        cores: cpus.length,
        cpu: cpus[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown cpu",
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        pulumi,
    };
}

/** 1-minute load average, the busy-ness of the machine while measuring. */
export function loadAverage(): string {
    return os.loadavg()[0].toFixed(2);
}
