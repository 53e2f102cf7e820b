/**
 * What an upgrade reads about the stack before it changes anything: where the service runs (the
 * stack's outputs), the image and revision it runs, the startup budget and the TTFT SLO (the stack's
 * config, else the component's defaults), and whether a canary is already configured.
 */
import { durationMs } from "@vllm-pulumi/kube-parser";
import { DEFAULTS } from "../components/defaults";
import { SLO_DEFAULTS } from "../components/slo/settings";
import { PulumiWorkspace } from "../scripts/pulumi-workspace";

export interface StackFacts {
    namespace: string;
    /** The stable Deployment (and Service) name. */
    name: string;
    servedModelName: string;
    /** The prometheus-adapter rules YAML the stack renders (stack output `adapterRules`). */
    adapterRules: string;
    image: string;
    modelRevision: string;
    startupTimeoutSeconds: number;
    ttftTargetSeconds: number;
    sloObjective: number;
    /** The ServiceMonitor's scrape interval: how long a change takes to reach Prometheus. */
    scrapeSeconds: number;
    /** `canaryImage` as configured: a canary from an unfinished upgrade. */
    canaryImage?: string;
}

/** Config keys the upgrade writes. */
export const CANARY_KEYS = ["canaryImage", "canaryModelRevision"] as const;

export async function readStackFacts(ws: PulumiWorkspace): Promise<StackFacts> {
    const outputs = await ws.outputs();
    const out = (key: string): string => {
        const v = outputs[key]?.value;
        if (typeof v !== "string" || v === "") throw new Error(`the stack has no ${key} output: has it been deployed (pulumi up)?`);
        return v;
    };
    const config = async (key: string) => (await ws.getConfig(key))?.value;
    const num = async (key: string, fallback: number) => {
        const v = await config(key);
        return v === undefined ? fallback : Number(v);
    };
    const modelRevision = await config("modelRevision");
    if (!modelRevision) throw new Error("the stack has no modelRevision config");
    return {
        namespace: out("namespace"),
        name: out("deploymentName"),
        servedModelName: out("servedModelName"),
        adapterRules: out("adapterRules"),
        image: (await config("image")) ?? DEFAULTS.image,
        modelRevision,
        startupTimeoutSeconds: await num("startupTimeoutSeconds", DEFAULTS.startupTimeoutSeconds),
        ttftTargetSeconds: await num("ttftTargetSeconds", SLO_DEFAULTS.ttftTargetSeconds),
        sloObjective: await num("sloObjective", SLO_DEFAULTS.sloObjective),
        scrapeSeconds: (durationMs((await config("scrapeInterval")) ?? DEFAULTS.scrapeInterval) ?? 15_000) / 1000,
        canaryImage: await config("canaryImage"),
    };
}

/** The API key the stack gives clients (secret output), or undefined when the key is off. */
export async function stackApiKey(ws: PulumiWorkspace): Promise<string | undefined> {
    const r = await ws.pulumi(["stack", "output", "apiKey", "--show-secrets", "--stack", ws.stack().name]);
    const key = r.code === 0 ? r.stdout.trim() : "";
    return key === "" ? undefined : key;
}
