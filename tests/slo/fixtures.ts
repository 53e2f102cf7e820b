/**
 * Shared SLO test settings: a dev-like and a prod-like stack (mirroring Pulumi.dev.yaml and
 * Pulumi.prod.yaml in spirit), resolved through the real validation.
 */
import { ResolvedSlo, SloArgs, SloTarget, resolveSlo } from "../../components/slo";

export interface SloCase {
    name: string;
    args: SloArgs;
    /** The simulated HPA's maxReplicas (the rules read it from kube-state-metrics, not from the target). */
    target: SloTarget & { maxReplicas: number };
}

export const CASES: SloCase[] = [
    {
        name: "dev-like (defaults: 99% over 28d, TTFT 0.5s, TPOT 0.1s, maxReplicas 2)",
        args: {},
        target: {
            namespace: "serving",
            serviceName: "vllm-dev",
            deploymentName: "vllm-dev",
            hpaName: "vllm-dev",
            servedModelName: "default",
            maxReplicas: 2,
            queueTarget: 5,
        },
    },
    {
        name: "prod-like (99.5% over 30d, TTFT 1s, TPOT 0.05s, maxReplicas 8, team label)",
        args: {
            sloObjective: 0.995,
            sloWindowDays: 30,
            ttftTargetSeconds: 1.0,
            tpotTargetSeconds: 0.05,
            runbookBaseUrl: "https://runbooks.example.com/vllm",
            alertLabels: { team: "ml-platform" },
        },
        target: {
            namespace: "llm-prod",
            serviceName: "llama-8b",
            deploymentName: "llama-8b",
            hpaName: "llama-8b",
            servedModelName: "meta-llama/Llama-3.1-8B-Instruct",
            maxReplicas: 8,
            queueTarget: 5,
        },
    },
];

export function resolved(c: SloCase): ResolvedSlo {
    const problems: string[] = [];
    const slo = resolveSlo(c.args, problems);
    if (problems.length > 0) throw new Error(`test settings invalid: ${problems.join("; ")}`);
    return slo;
}
