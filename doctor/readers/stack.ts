/**
 * The doctor's target from a Pulumi stack's outputs (namespace, serviceName, deploymentName,
 * hpaName, adapterSettings), read with `pulumi stack output --json` (no secrets asked for, so no
 * passphrase is needed): in the demo's workspace (.cache/demo: file backend, passphrase file) or
 * another PulumiWorkspace folder, else in the user's own backend (PULUMI_BACKEND_URL / pulumi login).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiWorkspace, RunResult, pulumiCommand } from "../../scripts/pulumi-workspace";
import { REPO_ROOT, toolchainEnv } from "../../scripts/toolchain";
import { checkStackInput } from "../stackInput";
import { BadInput, Target } from "../types";

export const DEMO_DIR = path.join(REPO_ROOT, ".cache", "demo");
const NO_STACK = /no stack named|stack .* not found|does not exist/i;

function firstErrorLine(r: RunResult): string {
    const lines = `${r.stderr}\n${r.stdout}`.split("\n").map((l) => l.trim()).filter(Boolean);
    return lines.find((l) => /^error:/i.test(l)) ?? lines[0] ?? `exit ${r.code}`;
}

/** The target from parsed outputs; BadInput naming the first output a VllmService stack must have. */
export function targetFromOutputs(stack: string, outputs: Record<string, unknown>): Target {
    const need = (k: string): string => {
        const v = outputs[k];
        if (typeof v !== "string" || v === "") throw new BadInput(`stack ${stack} has no output ${k} (is it a VllmService stack that is up?)`);
        return v;
    };
    const s = outputs.adapterSettings as Record<string, unknown> | undefined;
    const adapterSettings =
        s && typeof s.metricsRelistInterval === "string" && typeof s.metricsMaxAge === "string"
            ? { metricsRelistInterval: s.metricsRelistInterval, metricsMaxAge: s.metricsMaxAge }
            : undefined;
    return {
        namespace: need("namespace"),
        service: need("serviceName"),
        deployment: need("deploymentName"),
        hpa: typeof outputs.hpaName === "string" && outputs.hpaName ? outputs.hpaName : undefined,
        adapterSettings,
        source: `stack ${stack}`,
    };
}

function parseOutputs(stack: string, r: RunResult): Target {
    try {
        return targetFromOutputs(stack, JSON.parse(r.stdout) as Record<string, unknown>);
    } catch (e) {
        if (e instanceof BadInput) throw e;
        throw new BadInput(`stack ${stack}: pulumi stack output did not print JSON`);
    }
}

/** Whether the user has a backend of their own configured (else the CLI would try the Pulumi Cloud). */
function ambientBackend(): string | undefined {
    if (process.env.PULUMI_BACKEND_URL) return process.env.PULUMI_BACKEND_URL;
    const home = process.env.PULUMI_HOME ?? path.join(os.homedir(), ".pulumi");
    try {
        const c = JSON.parse(fs.readFileSync(path.join(home, "credentials.json"), "utf8")) as { current?: string };
        return c.current || undefined;
    } catch {
        return undefined;
    }
}

async function ambientOutputs(stack: string): Promise<RunResult> {
    // The toolchain's CLI, but the user's own Pulumi settings (home, backend, passphrase).
    const env = { ...process.env, PATH: toolchainEnv().PATH };
    const cli = (await pulumiCommand(env)).command;
    return new Promise((resolve) => {
        execFile(cli, ["stack", "output", "--json", "--stack", stack, "--non-interactive"], { cwd: REPO_ROOT, env, timeout: 60_000 }, (err, stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
    });
}

export async function readStackTarget(stack: string, o: { workspaceDir?: string } = {}): Promise<Target> {
    checkStackInput(stack, o.workspaceDir);
    const dir = o.workspaceDir ? path.resolve(o.workspaceDir) : fs.existsSync(path.join(DEMO_DIR, "state")) ? DEMO_DIR : undefined;
    const looked: string[] = [];
    if (dir) {
        const r = await new PulumiWorkspace({ dir }).pulumi(["stack", "output", "--json", "--stack", stack], { timeoutMs: 60_000 });
        if (r.code === 0) return parseOutputs(stack, r);
        if (!NO_STACK.test(`${r.stderr}${r.stdout}`)) throw new BadInput(`stack ${stack}: ${firstErrorLine(r)}`);
        const rel = path.relative(process.cwd(), dir);
        looked.push(rel && !rel.startsWith("..") ? rel : dir);
        if (o.workspaceDir) throw new BadInput(`stack ${stack} does not exist in ${looked[0]}`);
    }
    const backend = ambientBackend();
    if (!backend) throw new BadInput(`stack ${stack} does not exist${looked.length ? ` in ${looked[0]}` : ""}, and no Pulumi backend is configured (PULUMI_BACKEND_URL or pulumi login)`);
    const r = await ambientOutputs(stack);
    if (r.code === 0) return parseOutputs(stack, r);
    if (NO_STACK.test(`${r.stderr}${r.stdout}`)) throw new BadInput(`stack ${stack} does not exist in ${[...looked, backend].join(" or ")}`);
    throw new BadInput(`stack ${stack}: ${firstErrorLine(r)}`);
}
