/**
 * `npm run upgrade`: one canary of the new version beside the stable pods, four gates (Ready within
 * the startup budget, the smoke request, the metric names the rules read, TTFT vs the target and
 * the stable pods), then complete (the new image becomes the stack's) or roll back (the stack
 * exactly as before). Every change goes through the stack's config and `pulumi up`.
 */
import { PulumiWorkspace } from "../scripts/pulumi-workspace";
import { VLLM_PORT } from "../components/defaults";
import { TrackPod, TrackPods } from "./canaryPods";
import { metricGate } from "./gates/metricNames";
import { ttftGate } from "./gates/ttft";
import { PodReach } from "./podReach";
import { preflight } from "./preflight";
import { PrometheusClient } from "./prometheus";
import { Gate, markdownReport, Step, stepLine } from "./report";
import { requiredMetrics } from "./requiredMetrics";
import { UpgradeRequest } from "./request";
import { complete, diagnostics, rollBack, setCanary, up } from "./stackChanges";
import { StackFacts, stackApiKey } from "./stackFacts";

export interface UpgradeDeps {
    ws: PulumiWorkspace;
    kubeconfig: string;
    prom: PrometheusClient;
    reach: PodReach;
    log: (line: string) => void;
}

export interface UpgradeOutcome {
    ok: boolean;
    failedGate?: Gate;
    steps: Step[];
    seconds: number;
    report: string;
}

/** A gate that failed: the step is recorded, then the canary is rolled back. */
class GateFailure extends Error {
    constructor(readonly step: Step) {
        super(step.figure);
    }
}

const s1 = (n: number) => n.toFixed(1);

export async function runUpgrade(req: UpgradeRequest, deps: UpgradeDeps): Promise<UpgradeOutcome> {
    const started = Date.now();
    const { facts, pods } = await preflight(req, deps.ws, deps.kubeconfig);
    const steps: Step[] = [];
    const record = (s: Step) => {
        steps.push(s);
        deps.log(stepLine(s));
        if (!s.ok) throw new GateFailure(s);
    };
    deps.log(`upgrade: stack ${req.stack} (${facts.namespace}/${facts.name}): ${facts.image} -> ${req.image}`);
    let failedGate: Gate | undefined;
    try {
        await canaryUp(req, facts, deps, record);
        const canary = await pods.waitReady(facts.startupTimeoutSeconds).catch((e: Error) => {
            record({ gate: "ready", ok: false, figure: "not Ready", detail: e.message });
            throw e;
        });
        record({ gate: "ready", ok: true, figure: `${canary.pods.length} pod(s) Ready in ${s1(canary.seconds)} s (budget ${facts.startupTimeoutSeconds} s)` });
        await gates(req, facts, deps, pods, canary.pods, record);
        const t = await timed(() => complete(deps.ws, req.image, req.modelRevision));
        steps.push({ gate: "complete", ok: true, figure: `stable Deployment rolled to ${req.image} in ${s1(t.seconds)} s` });
        deps.log(stepLine(steps[steps.length - 1]));
    } catch (e) {
        if (!(e instanceof GateFailure)) steps.push({ gate: "up", ok: false, figure: "error", detail: (e as Error).message.split("\n")[0] });
        failedGate = e instanceof GateFailure ? e.step.gate : "up";
        const t = await timed(() => rollBack(deps.ws));
        steps.push({ gate: "rollback", ok: true, figure: `canary removed in ${s1(t.seconds)} s; the stack runs ${facts.image}` });
        deps.log(stepLine(steps[steps.length - 1]));
    }
    const seconds = (Date.now() - started) / 1000;
    const ok = failedGate === undefined;
    return { ok, failedGate, steps, seconds, report: markdownReport({ stack: req.stack, from: facts.image, to: req.image, ok, failedGate, steps, seconds }) };
}

async function timed(f: () => Promise<unknown>): Promise<{ seconds: number }> {
    const t0 = Date.now();
    await f();
    return { seconds: (Date.now() - t0) / 1000 };
}

/** Preview with the policy pack (a mandatory violation stops here), then `pulumi up` adds the canary. */
async function canaryUp(req: UpgradeRequest, facts: StackFacts, deps: UpgradeDeps, record: (s: Step) => void): Promise<void> {
    await setCanary(deps.ws, req.image, req.modelRevision);
    const preview = await deps.ws.previewOutcome({ policyPack: true });
    const notes = diagnostics(preview.events);
    for (const n of notes) deps.log(`upgrade:      preview: ${n}`);
    const changes = Object.entries(preview.changeSummary).filter(([k]) => k !== "same").map(([k, v]) => `${v} to ${k}`).join(", ");
    record({ gate: "preview", ok: preview.ok, figure: preview.ok ? `${changes || "no changes"}; ${notes.length} warning(s)` : "failed", detail: preview.ok ? notes.join("; ") || undefined : preview.error?.split("\n").slice(-3).join(" ") });
    const t = await timed(() => up(deps.ws));
    record({ gate: "up", ok: true, figure: `canary Deployment ${facts.name}-canary created in ${s1(t.seconds)} s` });
}

/** Smoke, metric names, TTFT: each records its step (a failure throws). */
async function gates(req: UpgradeRequest, facts: StackFacts, deps: UpgradeDeps, pods: TrackPods, canary: TrackPod[], record: (s: Step) => void): Promise<void> {
    const apiKey = await stackApiKey(deps.ws);
    for (const pod of canary) {
        const r = await deps.reach.smoke(`http://${pod.ip}:${VLLM_PORT}`, facts.servedModelName, apiKey, 60);
        record({ gate: "smoke", ok: r.ok, figure: `${pod.name}: ${r.ok ? "answers" : "failed"}`, detail: r.detail });
    }
    const required = await requiredMetrics({ kubeconfig: deps.kubeconfig, namespace: facts.namespace, name: facts.name, adapterRulesYaml: facts.adapterRules });
    const names = canary.map((p) => p.name);
    const m = await metricGate({ prom: deps.prom, namespace: facts.namespace, pods: names, required: required.names, waitSeconds: 3 * facts.scrapeSeconds + 10 });
    const missing = [...new Set(Object.values(m.missing).flat())];
    record({
        gate: "metrics",
        ok: m.ok,
        figure: m.ok ? `${m.required}/${m.required} names the rules read are exported` : `${missing.length} of ${m.required} names missing: ${missing.join(", ")}`,
        detail: `from ${required.sources.join(" and ")}`,
    });
    const window = req.gates.ttftWindowSeconds;
    deps.log(`upgrade:      ttft: measuring ${window} s of traffic`);
    await new Promise((r) => setTimeout(r, (window + 2 * facts.scrapeSeconds) * 1000));
    const stable = (await pods.pods("stable")).map((p) => p.name);
    const t = await ttftGate({ prom: deps.prom, namespace: facts.namespace, canaryPods: names, stablePods: stable, targetSeconds: facts.ttftTargetSeconds, objective: facts.sloObjective, tolerance: req.gates.ttftTolerance, minRequests: req.gates.ttftMinRequests, windowSeconds: window });
    const pct = (c?: number) => (c === undefined ? "n/a" : `${(100 * c).toFixed(1)} %`);
    record({
        gate: "ttft",
        ok: t.ok,
        figure: `within ${facts.ttftTargetSeconds} s: canary ${pct(t.canary.compliance)} of ${t.canary.requests}, stable ${pct(t.stable.compliance)} of ${t.stable.requests} (objective ${pct(facts.sloObjective)})`,
        detail: t.reason,
    });
}
