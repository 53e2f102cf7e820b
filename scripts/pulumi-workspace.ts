/**
 * A Pulumi project working copy with its own local file backend and passphrase, driven through
 * the real `pulumi` CLI. The demo, the benchmark and the integration tests use it so the repo's
 * files are never modified (stack init writes an encryption salt into Pulumi.<stack>.yaml).
 */
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT, toolchainEnv } from "./toolchain";

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

export interface WorkspaceOptions {
    /** Folder to hold the project copy, the state and the passphrase (created when missing). */
    dir: string;
    /** Program folder to copy (default: the repo's own program). */
    programDir?: string;
    /** Kubeconfig the Kubernetes provider uses (default: the caller's KUBECONFIG). */
    kubeconfig?: string;
    /** Stream CLI output to this process's stderr as it comes (the demo's progress). */
    echo?: boolean;
}

/** Files of a program; `components` and `node_modules` are linked, not copied. */
const PROGRAM_FILES = ["index.ts", "Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "package.json", "tsconfig.json"];

export class PulumiWorkspace {
    readonly projectDir: string;
    readonly env: NodeJS.ProcessEnv;

    constructor(readonly opts: WorkspaceOptions) {
        this.projectDir = path.join(opts.dir, "project");
        const stateDir = path.join(opts.dir, "state");
        fs.mkdirSync(this.projectDir, { recursive: true });
        fs.mkdirSync(stateDir, { recursive: true });
        this.copyProgram(opts.programDir ?? REPO_ROOT);

        // A random passphrase per workspace, in a 0600 file: never on a command line or in a log.
        const passphraseFile = path.join(opts.dir, "passphrase");
        if (!fs.existsSync(passphraseFile)) {
            fs.writeFileSync(passphraseFile, crypto.randomBytes(24).toString("base64url"), { mode: 0o600 });
        }
        const env = { ...toolchainEnv() };
        delete env.PULUMI_CONFIG_PASSPHRASE;
        this.env = {
            ...env,
            PULUMI_BACKEND_URL: `file://${stateDir}`,
            PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile,
            // Type checking is `npm test`'s job (tsc --noEmit); the engine only needs to run the code.
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            ...(opts.kubeconfig ? { KUBECONFIG: opts.kubeconfig } : {}),
        };
    }

    private copyProgram(from: string): void {
        for (const f of PROGRAM_FILES) {
            const src = path.join(from, f);
            if (!fs.existsSync(src)) {
                continue;
            }
            const dst = path.join(this.projectDir, f);
            // Keep the salt `stack init` wrote into an earlier copy of the stack file.
            const salt = fs.existsSync(dst) && f.startsWith("Pulumi.") ? /^encryptionsalt: .*$/m.exec(fs.readFileSync(dst, "utf8")) : null;
            fs.copyFileSync(src, dst);
            if (salt) {
                fs.appendFileSync(dst, `\n${salt[0]}\n`);
            }
        }
        // A program folder without its own components/node_modules (test programs) uses the repo's.
        for (const link of ["components", "node_modules"]) {
            const own = path.join(from, link);
            const dst = path.join(this.projectDir, link);
            if (!fs.existsSync(dst)) {
                fs.symlinkSync(fs.existsSync(own) ? own : path.join(REPO_ROOT, link), dst);
            }
        }
    }

    /** Runs `pulumi ARGS` in the project; resolves with the exit code (never rejects on failure). */
    pulumi(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
        return new Promise((resolve, reject) => {
            const child = spawn("pulumi", [...args, "--non-interactive"], { cwd: this.projectDir, env: this.env });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => { stdout += d; if (this.opts.echo) { process.stderr.write(d); } });
            child.stderr.on("data", (d) => { stderr += d; if (this.opts.echo) { process.stderr.write(d); } });
            const timer = setTimeout(() => child.kill("SIGTERM"), opts.timeoutMs ?? 15 * 60_000);
            child.on("error", reject);
            child.on("close", (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
            child.stdin.end(opts.input ?? "");
        });
    }

    /** Like {@link pulumi} but throws with the output when the command fails. */
    async must(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
        const r = await this.pulumi(args, opts);
        if (r.code !== 0) {
            throw new Error(`pulumi ${args.join(" ")} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
        }
        return r;
    }

    /** Selects `stack`, creating it (with the passphrase secrets provider) when missing. */
    async selectStack(stack: string): Promise<void> {
        const r = await this.pulumi(["stack", "select", stack]);
        if (r.code !== 0) {
            await this.must(["stack", "init", stack, "--secrets-provider", "passphrase"]);
        }
    }

    /** Sets a secret config value through stdin, so it never appears on a command line. */
    async setSecret(key: string, value: string): Promise<void> {
        await this.must(["config", "set", "--secret", key], { input: value });
    }
}
