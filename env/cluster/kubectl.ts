/** kubectl against the cluster with the admin kubeconfig, bounded in time, errors with its output. */
import { execFile } from "child_process";

export type Kubectl = (args: string[], input?: string) => Promise<string>;

export function kubectlFor(bin: string, kubeconfig: string, timeoutMs: number): Kubectl {
    return (args, input) => run(bin, [`--kubeconfig=${kubeconfig}`, ...args], timeoutMs, input);
}

function run(bin: string, args: string[], timeoutMs: number, input?: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = execFile(bin, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err) reject(new Error(`kubectl ${args.join(" ")} failed: ${err.message}\n${stderr}${stdout}`.trim()));
            else resolve(stdout);
        });
        if (input !== undefined) child.stdin?.end(input);
    });
}
