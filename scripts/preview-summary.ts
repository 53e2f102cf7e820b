/**
 * `npm run preview:summary -- --stack dev`: runs `pulumi preview` of a stack with the policy pack
 * (and `policy/config/<stack>.json` when there is one) through the Automation API and prints a
 * Markdown summary for a pull-request comment: changes by operation, then policy violations grouped
 * by policy with their enforcement level and the fix. A preview that fails prints the error.
 *
 *   npm run --silent preview:summary -- --stack dev [--dir PROJECT] [--no-policy-pack]
 *
 * PROJECT defaults to this repository; the backend and secrets come from the environment
 * (PULUMI_BACKEND_URL or PULUMI_ACCESS_TOKEN, PULUMI_CONFIG_PASSPHRASE[_FILE], KUBECONFIG).
 * Exit codes: 0 preview succeeded, 1 preview failed (the summary says why), 2 usage.
 */
import type { PolicyEvent, EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { CommandError, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import * as path from "path";
import { parseArgs } from "util";
import { policies } from "../policy/policies";
import { PreviewOutcome, POLICY_PACK, policyPackConfig, commandOutput, pulumiCommand } from "./pulumi-workspace";
import { REPO_ROOT, toolchainEnv } from "./toolchain";

/** The fix each policy documents (its remediationSteps), by policy name. */
const FIXES: Record<string, string> = Object.fromEntries(policies.map((p) => [p.name, p.remediationSteps ?? ""]));

const ESCAPES = /\u001b\[[0-9;]*m|<\{%[^%]*%\}>/g; // ANSI colours and Pulumi's colour tags

function plain(text: string): string {
    return text.replace(ESCAPES, "").trim();
}

/** `Kind name` of a URN (`...::kubernetes:apps/v1:Deployment::vllm-server`). */
export function resourceLabel(urn: string | undefined): string {
    if (!urn) {
        return "the stack";
    }
    const parts = urn.split("::");
    const type = parts[parts.length - 2]?.split("$").pop() ?? "";
    return `\`${type}\` ${parts[parts.length - 1]}`;
}

function changes(events: EngineEvent[]): Map<OpType, string[]> {
    const byOp = new Map<OpType, string[]>();
    for (const e of events) {
        const m = e.resourcePreEvent?.metadata;
        // The stack and default providers come and go with the program: not worth a reviewer's time.
        if (!m || m.op === "same" || m.type === "pulumi:pulumi:Stack" || m.type.startsWith("pulumi:providers:")) {
            continue;
        }
        byOp.set(m.op, [...(byOp.get(m.op) ?? []), resourceLabel(m.urn)]);
    }
    return byOp;
}

function violations(events: EngineEvent[]): Map<string, PolicyEvent[]> {
    const byPolicy = new Map<string, PolicyEvent[]>();
    for (const e of events) {
        if (e.policyEvent) {
            byPolicy.set(e.policyEvent.policyName, [...(byPolicy.get(e.policyEvent.policyName) ?? []), e.policyEvent]);
        }
    }
    return byPolicy;
}

/** Errors the engine reported (the program's, the provider's, the pack's). */
function errors(events: EngineEvent[]): string[] {
    return events.filter((e) => e.diagnosticEvent?.severity === "error").map((e) => plain(e.diagnosticEvent!.message)).filter((m) => m !== "");
}

/** A code block of the error, without JavaScript stack frames (the message names the key to fix). */
function fence(text: string): string {
    const lines = text.split("\n").filter((l) => !/^\s+at \S.*(\(.*\)|:\d+)$/.test(l));
    return ["```", lines.join("\n").replace(/```/g, "`\u200b``"), "```"].join("\n");
}

/** The Markdown body of the PR comment. */
export function renderSummary(stack: string, o: PreviewOutcome): string {
    const lines: string[] = [`### \`pulumi preview\` of stack \`${stack}\`: ${o.ok ? "succeeded" : "**failed**"}`, ""];
    const byOp = changes(o.events);
    if (byOp.size === 0) {
        lines.push(o.ok ? "No changes." : "No changes were planned before the failure.");
    } else {
        lines.push("| operation | count | resources |", "|---|---|---|");
        for (const [op, resources] of byOp) {
            lines.push(`| ${op} | ${resources.length} | ${resources.join(", ")} |`);
        }
    }
    const byPolicy = violations(o.events);
    if (byPolicy.size > 0) {
        lines.push("", "#### Policy violations");
        const mandatoryFirst = [...byPolicy].sort(([, a], [, b]) => Number(b[0].enforcementLevel === "mandatory") - Number(a[0].enforcementLevel === "mandatory"));
        for (const [name, events] of mandatoryFirst) {
            const level = events[0].enforcementLevel === "mandatory" ? "mandatory (blocks the update)" : "advisory";
            lines.push("", `**\`${name}\`**: ${level}, ${events.length} violation${events.length > 1 ? "s" : ""}`);
            for (const e of events) {
                lines.push(`- ${resourceLabel(e.resourceUrn)}: ${plain(e.message).replace(/\s*\n\s*/g, " ")}`);
            }
            if (FIXES[name]) {
                lines.push(`- **Fix:** ${FIXES[name]}`);
            }
        }
    } else if (o.ok) {
        lines.push("", "No policy violations.");
    }
    if (!o.ok) {
        const reported = errors(o.events).filter((m) => m !== "preview failed"); // the engine's generic last word
        const blocked = [...byPolicy.values()].some((events) => events[0].enforcementLevel === "mandatory");
        lines.push("", "#### Error", "");
        if (reported.length > 0) {
            lines.push(fence(reported.join("\n\n")));
        } else if (blocked) {
            lines.push("The mandatory policy violations above block the update.");
        } else {
            lines.push(fence(plain(o.error ?? "pulumi preview failed without output")));
        }
    }
    return lines.join("\n") + "\n";
}

/** Previews `stack` of the project in `dir` with the environment's backend; never throws for a failed preview. */
export async function previewStack(dir: string, stack: string, withPack: boolean): Promise<PreviewOutcome> {
    const events: EngineEvent[] = [];
    try {
        const env = toolchainEnv(); // this process's environment plus the pinned CLI on PATH
        const ws = await LocalWorkspace.create({ workDir: dir, envVars: env as Record<string, string>, pulumiCommand: await pulumiCommand(env) });
        const s = await Stack.select(stack, ws);
        const config = withPack ? policyPackConfig(stack) : undefined;
        const r = await s.preview({
            ...(withPack ? { policyPacks: [POLICY_PACK] } : {}),
            ...(config ? { policyPackConfigs: [config] } : {}),
            onEvent: (e) => events.push(e),
        });
        return { ok: true, events, changeSummary: r.changeSummary as Record<string, number> };
    } catch (e) {
        return { ok: false, events, changeSummary: {}, error: e instanceof CommandError ? commandOutput(e) : String(e) };
    }
}

async function main(argv: string[]): Promise<number> {
    let values;
    try {
        ({ values } = parseArgs({ args: argv, options: { stack: { type: "string" }, dir: { type: "string" }, "no-policy-pack": { type: "boolean" } } }));
        if (!values.stack) {
            throw new Error("--stack is required");
        }
    } catch (e) {
        process.stderr.write(`preview:summary: ${(e as Error).message}\nusage: npm run --silent preview:summary -- --stack NAME [--dir PROJECT] [--no-policy-pack]\n`);
        return 2;
    }
    const outcome = await previewStack(path.resolve(values.dir ?? REPO_ROOT), values.stack, !values["no-policy-pack"]);
    process.stdout.write(renderSummary(values.stack, outcome));
    return outcome.ok ? 0 : 1;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
