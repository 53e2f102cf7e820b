/**
 * A Pulumi project working copy with its own local file backend and passphrase, driven through
 * Pulumi's Automation API (`@pulumi/pulumi/automation`: LocalWorkspace and Stack) on the pinned
 * CLI. The demo, the benchmark, preview:summary and the integration tests share it, so the repo's
 * files are never modified (stack init writes an encryption salt into Pulumi.<stack>.yaml).
 */
import { CommandError, ConfigValue, EngineEvent, LocalWorkspace, OutputMap, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT, toolchainEnv } from "./toolchain";
import { copyProgram } from "./workspace-files";

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

/** What preview/up/destroy/refresh take: the pack and its per-stack config, and the usual flags. */
export interface OperationOptions {
    /** Run the repo's policy pack (`policy/`) with `policy/config/<stack>.json` when there is one. */
    policyPack?: boolean;
    expectNoChanges?: boolean;
    refresh?: boolean;
    /** Receives every engine event (steps, policy violations, diagnostics). */
    onEvent?: (e: EngineEvent) => void;
    timeoutMs?: number;
}

/** A preview that may have failed: the events it produced either way, and the error if any. */
export interface PreviewOutcome {
    ok: boolean;
    events: EngineEvent[];
    changeSummary: Record<string, number>;
    /** The CLI's output when it failed (the engine's diagnostics are also in `events`). */
    error?: string;
}

export const POLICY_PACK = path.join(REPO_ROOT, "policy");

/** The pack's per-stack config file, when the repo has one for `stack`. */
export function policyPackConfig(stack: string): string | undefined {
    const file = path.join(POLICY_PACK, "config", `${stack}.json`);
    return fs.existsSync(file) ? file : undefined;
}

/** The engine's warnings about the locally built Kubernetes provider (tools/README.md), in its own words. */
const PROVIDER_WARNINGS = /using pulumi-resource-kubernetes from \$PATH|resource plugin kubernetes is expected to have version/;
let providerWarningsExplained = false;

/**
 * Streams CLI output to stderr (the demo's progress) and, the first time the engine warns about the
 * locally built provider, says once why that is expected, so no expected line goes unexplained.
 */
function echo(text: string): void {
    process.stderr.write(text);
    if (!providerWarningsExplained && PROVIDER_WARNINGS.test(text)) {
        providerWarningsExplained = true;
        process.stderr.write(
            "\n  note: the kubernetes provider warnings are expected here: the provider is built from the only\n" +
            "        pulumi-kubernetes commit the Go module proxy serves (older than the npm SDK's 4.34.2) and is\n" +
            "        found on PATH as an ambient plugin; the resources it manages are unaffected (tools/README.md).\n\n");
    }
}

/**
 * The CLI on `env`'s PATH (the toolchain's), for the Automation API, which would otherwise look
 * on this process's PATH. A CLI under `<root>/bin` is passed as that root, so the API also puts
 * its language host first on PATH.
 */
export async function pulumiCommand(env: NodeJS.ProcessEnv): Promise<PulumiCommand> {
    for (const dir of (env.PATH ?? "").split(path.delimiter)) {
        if (dir && fs.existsSync(path.join(dir, "pulumi"))) {
            return path.basename(dir) === "bin" ? PulumiCommand.get({ root: path.dirname(dir) }) : PulumiCommand.get();
        }
    }
    throw new Error("no pulumi CLI on PATH (tools/ensure-toolchain.sh builds one; `. tools/env.sh` puts it on PATH)");
}

export class PulumiWorkspace {
    readonly projectDir: string;
    readonly env: NodeJS.ProcessEnv;
    private workspace?: Promise<LocalWorkspace>;
    private current?: Stack;

    constructor(readonly opts: WorkspaceOptions) {
        this.projectDir = path.join(opts.dir, "project");
        const stateDir = path.join(opts.dir, "state");
        fs.mkdirSync(this.projectDir, { recursive: true });
        fs.mkdirSync(stateDir, { recursive: true });
        copyProgram(opts.programDir ?? REPO_ROOT, this.projectDir);

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

    /** The Automation API workspace on the project copy (one per PulumiWorkspace). */
    local(): Promise<LocalWorkspace> {
        this.workspace ??= pulumiCommand(this.env).then((pulumiCommand) =>
            LocalWorkspace.create({ workDir: this.projectDir, envVars: this.env as Record<string, string>, pulumiCommand, secretsProvider: "passphrase" }));
        return this.workspace;
    }

    /** Selects `stack`, creating it (with the passphrase secrets provider) when missing. */
    async selectStack(stack: string): Promise<Stack> {
        this.current = await Stack.createOrSelect(stack, await this.local());
        return this.current;
    }

    /** Whether `stack` exists in this workspace's backend (without selecting or creating it). */
    async hasStack(stack: string): Promise<boolean> {
        return (await (await this.local()).listStacks()).some((s) => s.name === stack);
    }

    /** The selected stack (see {@link selectStack}). */
    stack(): Stack {
        if (!this.current) {
            throw new Error("no stack selected: call selectStack first");
        }
        return this.current;
    }

    /**
     * Sets a secret config value through stdin. Not Stack.setConfig: that passes the value on
     * the command line, where `ps` shows it.
     */
    async setSecret(key: string, value: string): Promise<void> {
        await this.must(["config", "set", "--secret", key, "--stack", this.stack().name], { input: value });
    }

    async setConfig(key: string, value: string): Promise<void> {
        await this.stack().setConfig(key, { value });
    }

    /** A config value of the selected stack; undefined when unset or "" (Pulumi.yaml's "unset"). */
    async getConfig(key: string): Promise<ConfigValue | undefined> {
        const all = await this.stack().getAllConfig();
        const value = all[`${await this.projectName()}:${key}`];
        return value && value.value !== "" ? value : undefined;
    }

    private async projectName(): Promise<string> {
        return (await (await this.local()).projectSettings()).name;
    }

    private operationArgs(o: OperationOptions) {
        const stack = this.stack().name;
        const config = o.policyPack ? policyPackConfig(stack) : undefined;
        return {
            ...(o.policyPack ? { policyPacks: [POLICY_PACK] } : {}),
            ...(config ? { policyPackConfigs: [config] } : {}),
            ...(o.expectNoChanges ? { expectNoChanges: true } : {}),
            ...(o.refresh ? { refresh: true } : {}),
            ...(o.onEvent ? { onEvent: o.onEvent } : {}),
            ...(this.opts.echo ? { onOutput: echo, onError: echo } : {}),
            signal: AbortSignal.timeout(o.timeoutMs ?? 15 * 60_000),
        };
    }

    preview(o: OperationOptions = {}) {
        return this.stack().preview(this.operationArgs(o));
    }

    /** A preview that never throws: what preview:summary and the policy tests report on. */
    async previewOutcome(o: OperationOptions = {}): Promise<PreviewOutcome> {
        const events: EngineEvent[] = [];
        const onEvent = (e: EngineEvent) => { events.push(e); o.onEvent?.(e); };
        try {
            const r = await this.preview({ ...o, onEvent });
            return { ok: true, events, changeSummary: r.changeSummary as Record<string, number> };
        } catch (e) {
            const error = e instanceof CommandError ? commandOutput(e) : String(e);
            return { ok: false, events, changeSummary: {}, error };
        }
    }

    up(o: OperationOptions = {}) {
        return this.stack().up(this.operationArgs(o));
    }

    destroy(o: OperationOptions = {}) {
        const { signal, onOutput, onError, onEvent } = this.operationArgs(o);
        return this.stack().destroy({ signal, onOutput, onError, onEvent });
    }

    refresh(o: OperationOptions = {}) {
        const { signal, onOutput, onError, onEvent, expectNoChanges } = this.operationArgs(o);
        return this.stack().refresh({ signal, onOutput, onError, onEvent, expectNoChanges });
    }

    outputs(): Promise<OutputMap> {
        return this.stack().outputs();
    }

    /**
     * Runs `pulumi ARGS` in the project with the workspace's environment; resolves with the exit
     * code (never rejects on failure). For what the Automation API has no call for (`stack export`,
     * `stack output --show-secrets`); everything else goes through the methods above.
     */
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
}

/** The CLI's own output of a failed command, without the Automation API's wrapper text. */
export function commandOutput(e: CommandError): string {
    // `commandResult` is marked internal in the typings but is what the message is built from.
    const r = (e as unknown as { commandResult?: { stdout: string; stderr: string } }).commandResult;
    const text = r ? `${r.stdout.trim()}\n${r.stderr.trim()}` : e.message;
    // execa's "Command failed with exit code N: <command line>" says nothing the CLI's own error does not.
    return text.split("\n").filter((l) => !l.startsWith("Command failed with exit code")).join("\n").trim();
}
