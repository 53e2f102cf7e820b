/**
 * The repository works as a `pulumi new` template: the real CLI copies it (what a clone gives),
 * prompts for the template config (model, revision, namespace; --yes takes the defaults), creates
 * the stack, installs the npm dependencies through our Node.js language host, and the new project
 * previews.
 *
 * Offline here, two things differ from a machine with internet, both outside the project: the npm
 * registry is reached with --prefer-offline (npm's cache), and `pulumi new` insists on finding the
 * program's provider plugins in the plugin cache (it would download them from get.pulumi.com),
 * so a private PULUMI_HOME gets the locally built Kubernetes provider under the version the npm SDK
 * asks for, and, for the random provider, which cannot be built here, an executable that only
 * says so and fails if anything ever starts it (the stack supplies `apiKey` instead, as every
 * stack run here does, so nothing does).
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { pulumiCommand } from "../../scripts/pulumi-workspace";
import { REPO_ROOT, toolchainEnv } from "../../scripts/toolchain";

/** The files a clone of the repository has (tracked, plus new files git does not ignore). */
function cloneLikeCopy(to: string): void {
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const f of files) {
        const src = path.join(REPO_ROOT, f);
        if (fs.existsSync(src) && fs.statSync(src).isFile()) {
            fs.mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
            fs.copyFileSync(src, path.join(to, f));
        }
    }
}

/** A plugin cache holding what `pulumi new` looks for (see the file comment). */
function seedPluginCache(pulumiHome: string, env: NodeJS.ProcessEnv): void {
    const version = (pkg: string) => require(path.join(REPO_ROOT, "node_modules", "@pulumi", pkg, "package.json")).version as string;
    const provider = (env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, "pulumi-resource-kubernetes")).find((p) => fs.existsSync(p));
    if (!provider) {
        throw new Error("no pulumi-resource-kubernetes on the toolchain PATH");
    }
    const k8sDir = path.join(pulumiHome, "plugins", `resource-kubernetes-v${version("kubernetes")}`);
    fs.mkdirSync(k8sDir, { recursive: true });
    fs.symlinkSync(provider, path.join(k8sDir, "pulumi-resource-kubernetes"));
    const randomDir = path.join(pulumiHome, "plugins", `resource-random-v${version("random")}`);
    fs.mkdirSync(randomDir, { recursive: true });
    fs.writeFileSync(path.join(randomDir, "pulumi-resource-random"),
        "#!/bin/sh\necho 'pulumi-resource-random cannot be built here (tools/README.md); set apiKey instead' >&2\nexit 1\n", { mode: 0o755 });
}

describe("@integration pulumi new from this repository", function () {
    this.timeout(30 * 60_000); // npm install of the new project
    let tmp: string; // made in before(): mocha loads this file even when --grep skips the suite
    let template: string;
    let project: string;
    let env: NodeJS.ProcessEnv;
    let created: { status: number | null; output: string };

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-pulumi-new-"));
        template = path.join(tmp, "template");
        project = path.join(tmp, "my-llm");
        cloneLikeCopy(template);
        fs.mkdirSync(project);
        fs.mkdirSync(path.join(tmp, "state"));
        const passphrase = path.join(tmp, "passphrase");
        fs.writeFileSync(passphrase, crypto.randomBytes(24).toString("base64url"), { mode: 0o600 });
        env = {
            ...toolchainEnv(),
            PULUMI_HOME: path.join(tmp, "pulumi-home"),
            PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`,
            PULUMI_CONFIG_PASSPHRASE_FILE: passphrase,
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            npm_config_prefer_offline: "true",
            npm_config_audit: "false",
            npm_config_fund: "false",
        };
        delete env.PULUMI_CONFIG_PASSPHRASE;
        delete env.KUBECONFIG; // a preview needs no cluster
        seedPluginCache(env.PULUMI_HOME!, env);
        const r = spawnSync("pulumi", ["new", template, "--yes", "--stack", "dev", "--name", "my-llm", "--config", "namespace=llm-team", "--non-interactive"],
            { cwd: project, env, encoding: "utf8", timeout: 25 * 60_000 });
        created = { status: r.status, output: `${r.stdout}\n${r.stderr}` };
    });

    after(() => {
        if (tmp) {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("creates the project and the dev stack with the template's answers", () => {
        expect(created.status, created.output).to.equal(0);
        expect(created.output).to.contain("Your new project is ready to go!");
        const proj = parse(fs.readFileSync(path.join(project, "Pulumi.yaml"), "utf8"));
        expect(proj.name).to.equal("my-llm");
        expect(proj.template, "the template section is removed").to.equal(undefined);
        expect(Object.keys(proj.config)).to.include.members(["model", "modelRevision", "namespace", "maxReplicas"]);
        const stack = parse(fs.readFileSync(path.join(project, "Pulumi.dev.yaml"), "utf8")).config;
        expect(stack).to.include({
            "my-llm:model": "Qwen/Qwen2.5-0.5B-Instruct", // --yes: the template's default
            "my-llm:modelRevision": "7ae557604adf67be50417f59c2c2f167def9a775",
            "my-llm:namespace": "llm-team", // --config answers the prompt
        });
        expect(fs.existsSync(path.join(project, "node_modules", "@pulumi", "pulumi")), "dependencies installed").to.equal(true);
    });

    it("previews the new project: the component with the answers, in the chosen namespace", async () => {
        expect(created.status, created.output).to.equal(0);
        const ws = await LocalWorkspace.create({ workDir: project, envVars: env as Record<string, string>, pulumiCommand: await pulumiCommand(env) });
        const stack = await Stack.select("dev", ws);
        const key = spawnSync("pulumi", ["config", "set", "--secret", "apiKey", "--stack", "dev", "--non-interactive"],
            { cwd: project, env, input: crypto.randomBytes(24).toString("base64url"), encoding: "utf8" });
        expect(key.status, key.stderr).to.equal(0);
        const planned: Array<{ op: string; type: string; inputs: any }> = [];
        const onEvent = (e: EngineEvent) => {
            const m = e.resourcePreEvent?.metadata;
            if (m) planned.push({ op: m.op, type: m.type, inputs: m.new?.inputs });
        };
        await stack.preview({ onEvent });
        const deployment = planned.find((s) => s.type === "kubernetes:apps/v1:Deployment");
        expect(deployment?.op).to.equal("create");
        expect(deployment?.inputs.metadata.namespace).to.equal("llm-team");
        expect(deployment?.inputs.spec.template.spec.containers[0].args).to.include("--model=Qwen/Qwen2.5-0.5B-Instruct");
        expect(planned.map((s) => s.type)).to.include.members(["vllm:index:VllmService", "kubernetes:core/v1:Service", "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"]);
    });
});
