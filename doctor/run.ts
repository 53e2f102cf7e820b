/**
 * What `npm run doctor` does, apart from argv: pick the cluster (--kubeconfig, $KUBECONFIG, else
 * the local environment), the target (stack outputs, overridden by flags) and Prometheus
 * (--prometheus-url, $PROMETHEUS_URL, the local environment's, else the API server's proxy), then
 * diagnose and format.
 */
import * as path from "path";
import type { Environment } from "../env/environment";
import { ChainOutcome } from "./chain";
import { diagnose } from "./diagnose";
import { KubeReader } from "./readers/kube";
import { checkStackInput } from "./stackInput";
import { jsonReport, textReport } from "./report";
import { BadInput, Target } from "./types";

export interface DoctorOptions {
    stack?: string;
    /** A PulumiWorkspace folder holding the stack (default: .cache/demo, then the user's backend). */
    workspace?: string;
    namespace?: string;
    service?: string;
    deployment?: string;
    hpa?: string;
    kubeconfig?: string;
    /** The local environment's state folder (default .cache/env). */
    envDir?: string;
    prometheusUrl?: string;
    json?: boolean;
    /** Where KUBECONFIG and PROMETHEUS_URL are read (default: process.env). */
    variables?: NodeJS.ProcessEnv;
}

export interface DoctorRun {
    output: string;
    exitCode: ChainOutcome["exitCode"];
    outcome: ChainOutcome;
}

function checkUrl(u: string): string {
    let parsed: URL;
    try {
        parsed = new URL(u);
    } catch {
        throw new BadInput(`--prometheus-url ${JSON.stringify(u)} is not a URL (e.g. http://127.0.0.1:9090)`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new BadInput(`--prometheus-url ${JSON.stringify(u)} must be http:// or https://`);
    return u;
}

/** The local environment recorded in envDir, if any. Loaded on demand: it is the CLI's slowest import. */
async function localEnvironment(envDir: string | undefined): Promise<Environment | undefined> {
    const { readEnvironment } = await import("../env/environment");
    return readEnvironment(envDir ? path.resolve(envDir) : undefined);
}

async function target(o: DoctorOptions): Promise<Target> {
    const fromStack = o.stack ? await (await import("./readers/stack")).readStackTarget(o.stack, { workspaceDir: o.workspace }) : undefined;
    const namespace = o.namespace ?? fromStack?.namespace;
    const service = o.service ?? fromStack?.service;
    if (!namespace || !service) throw new BadInput(`stack ${o.stack}: give --namespace and --service`);
    const flagged = [o.namespace, o.service, o.deployment, o.hpa].some((v) => v !== undefined);
    return {
        namespace,
        service,
        deployment: o.deployment ?? fromStack?.deployment ?? service,
        hpa: o.hpa ?? (fromStack ? fromStack.hpa : service),
        adapterSettings: fromStack?.adapterSettings,
        source: fromStack ? `${fromStack.source}${flagged ? " (with flags)" : ""}` : "flags",
    };
}

export async function runDoctor(o: DoctorOptions): Promise<DoctorRun> {
    // Cheap checks first: bad input is refused before anything slow is loaded or asked.
    if (!o.stack && !(o.namespace && o.service)) throw new BadInput("name the target: --stack NAME, or --namespace NS --service NAME");
    if (o.stack) checkStackInput(o.stack, o.workspace);
    const variables = o.variables ?? process.env;
    const promFlag = o.prometheusUrl ?? variables.PROMETHEUS_URL;
    if (promFlag) checkUrl(promFlag);
    // KUBECONFIG may list several files; the first one names the current context here.
    let kubeconfig = o.kubeconfig ?? variables.KUBECONFIG?.split(path.delimiter).find(Boolean);
    let env: Environment | undefined;
    if (!kubeconfig) {
        env = await localEnvironment(o.envDir);
        kubeconfig = env?.kubeconfig;
    }
    if (!kubeconfig) throw new BadInput("no cluster: set KUBECONFIG (or --kubeconfig), or start the local environment with `npm run demo`");
    const kube = new KubeReader(kubeconfig);
    await kube.ensureReachable();
    env ??= await localEnvironment(o.envDir);
    const local = env && path.resolve(kubeconfig) === path.resolve(env.kubeconfig) ? env : undefined;
    const t = await target(o);
    const { outcome, where } = await diagnose({
        target: t,
        kube,
        prometheusUrl: promFlag ?? local?.prometheusUrl,
        localAdapterArgs: local ? () => local.adapterArgs() : undefined,
    });
    const place = `${local ? "local environment, " : ""}${where}`;
    return { output: o.json ? jsonReport(t, place, outcome) : textReport(t, place, outcome), exitCode: outcome.exitCode, outcome };
}
