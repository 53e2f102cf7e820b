/**
 * Objects built in the test (no YAML): the probes that tell when each policy is in force, and
 * cases the fixtures do not cover (kinds, `--nnodes`, a LeaderWorkerSet without leaderTemplate).
 * Each goes through the same parity check as the fixtures.
 */
import { RuleId } from "../../components/admission";
import { objectCase, ObjectCase } from "./parity";

const NS = "serving";
const PINNED = "vllm/vllm-openai:v0.11.0";
const SHM = { volumeMounts: [{ name: "dshm", mountPath: "/dev/shm" }] };
const SHM_VOLUME = [{ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "16Gi" } }];

type Container = Record<string, unknown>;
const gpus = (n: number) => ({ resources: { limits: { "nvidia.com/gpu": String(n) } } });
const server = (args: string[], n: number, extra: Container = {}): Container => ({ name: "vllm", image: PINNED, args, ...gpus(n), ...extra });
const podSpec = (c: Container, volumes = SHM_VOLUME) => ({ containers: [c], volumes });
const template = (c: Container) => ({ metadata: { labels: { app: "vllm" } }, spec: podSpec(c) });

export function deployment(name: string, c: Container): Record<string, any> {
    return { apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: NS }, spec: { selector: { matchLabels: { app: "vllm" } }, template: template(c) } };
}

/** One probe per rule: violates that rule only, so its verdict shows the policy is in force. */
export const PROBES: Record<RuleId, Record<string, any>> = {
    "vllm-image-pinned": deployment("probe-image", { ...server(["--model=m"], 1), image: "vllm/vllm-openai:latest" }),
    "vllm-tp-matches-gpus": deployment("probe-tp", server(["--model=m"], 2)),
    "vllm-shm-size": deployment("probe-shm", server(["--model=m", "--tensor-parallel-size=2"], 2, { volumeMounts: [] })),
    "hpa-no-gpu-utilization": {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "probe-hpa", namespace: NS },
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "vllm" },
            maxReplicas: 4,
            metrics: [{ type: "Resource", resource: { name: "nvidia.com/gpu", target: { type: "Utilization", averageUtilization: 80 } } }],
        },
    },
};

export function builtCases(): ObjectCase[] {
    const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "tp-job", namespace: NS }, spec: { template: { spec: { ...podSpec(server(["-tp", "4"], 2, SHM)), restartPolicy: "Never" } } } };
    const cron = {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "pp-cron", namespace: NS },
        spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { spec: { ...podSpec(server(["--pipeline_parallel_size", "2"], 1, SHM)), restartPolicy: "Never" } } } } },
    };
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "dp-pod", namespace: NS }, spec: podSpec(server(["--data-parallel-size=2", "-tp=2"], 2)) };
    const lws = {
        apiVersion: "leaderworkerset.x-k8s.io/v1",
        kind: "LeaderWorkerSet",
        metadata: { name: "lws-no-leader-template", namespace: NS },
        spec: { leaderWorkerTemplate: { size: 2, workerTemplate: { spec: podSpec(server(["--tensor-parallel-size=4", "--pipeline-parallel-size=2"], 4, SHM)) } } },
    };
    const initLatest = deployment("init-latest", server(["--model=m"], 1));
    initLatest.spec.template.spec.initContainers = [{ name: "warm", image: "ghcr.io/acme/vllm:nightly", command: ["true"] }];
    return [
        ...Object.entries(PROBES).map(([rule, body]) => objectCase(`probe ${rule}`, body)),
        objectCase("built: Job with -tp 4 on 2 GPUs", job),
        objectCase("built: CronJob with --pipeline_parallel_size 2 on 1 GPU", cron),
        objectCase("built: Pod with DP 2 x TP 2 on 2 GPUs, no /dev/shm", pod),
        objectCase("built: --nnodes 2 runs half of TP 4 per pod", deployment("nnodes", server(["--tensor-parallel-size=4", "--nnodes=2"], 2, SHM))),
        objectCase("built: CPU build by env, no GPU", deployment("cpu-env", { name: "vllm", image: PINNED, args: ["--model=m"], env: [{ name: "VLLM_TARGET_DEVICE", value: "cpu" }] })),
        objectCase("built: $(TP) from a literal env in a split flag", deployment("env-split", server(["--tensor-parallel-size", "$(TP)"], 2, { ...SHM, env: [{ name: "TP", value: "4" }] }))),
        objectCase("built: LeaderWorkerSet without leaderTemplate, TP 4 x PP 2 on 2 x 4 GPUs", lws),
        objectCase("built: init container with a floating vLLM image", initLatest),
        // A long command line and env (a production manifest's size): stays within the API server's CEL cost budget.
        objectCase("built: 150 args and 60 env vars, TP 8 from $(TP) on 4 GPUs", deployment("large", server(
            [...Array.from({ length: 148 }, (_, i) => `--opt-${i}=$(V${i % 60})`), "--tensor-parallel-size", "$(TP)"],
            4,
            { ...SHM, env: [...Array.from({ length: 59 }, (_, i) => ({ name: `V${i}`, value: `value-${i}` })), { name: "TP", value: "8" }] },
        ))),
        // Far past any real command line, still within the budget (measured: the cost grows with $(VAR) references x env entries).
        objectCase("built: 2000 args (every tenth a $(VAR)), 4 containers", (() => {
            const d = deployment("huge", server([], 1));
            d.spec.template.spec.containers = Array.from({ length: 4 }, (_, j) => server(
                [...Array.from({ length: 2000 }, (_, i) => (i % 10 === 0 ? `--opt-${i}=$(V${i % 50})` : `--opt-${i}=v${i}`)), "-tp", "2"],
                1,
                { name: `vllm-${j}`, env: Array.from({ length: 50 }, (_, i) => ({ name: `V${i}`, value: `v${i}` })) },
            ));
            return d;
        })()),
        // argparse's prefix abbreviations, beyond the fixtures' `-t 2`, `--tensor-parallel` and `-d`.
        objectCase("built: -p 2 (argparse reads -pp) on 1 GPU", deployment("abbrev-p", server(["--model=m", "-p", "2"], 1, SHM))),
        objectCase("built: -t=2 on 1 GPU", deployment("abbrev-t-equals", server(["--model=m", "-t=2"], 1, SHM))),
        objectCase("built: --pipeline-par 2 x -tp 2 on 4 GPUs", deployment("abbrev-long-pp", server(["--model=m", "--pipeline-par", "2", "-tp", "2"], 4, SHM))),
        objectCase("built: --data-parallel 2 (ambiguous long prefix)", deployment("abbrev-ambiguous-long", server(["--model=m", "--data-parallel", "2"], 2, SHM))),
        // Placeholders beyond the fixtures' IMAGE_NAME, REPLACE_MODEL_SERVER_IMAGE and <pinned-tag>.
        objectCase("built: placeholder path segment and tag", deployment("placeholder-path", { ...server(["--model=m"], 1), image: "ghcr.io/your-org/vllm-openai:TAG" })),
        objectCase("built: upper-case floating tag is no placeholder", deployment("placeholder-latest", { ...server(["--model=m"], 1), image: "vllm/vllm-openai:LATEST" })),
        objectCase("built: placeholder digest-pinned", deployment("placeholder-digest", { ...server(["--model=m"], 1), image: `replace-me/vllm@sha256:${"a".repeat(64)}` })),
        objectCase("built: sh -c script with TP 4 from $TP, 2 GPUs", deployment("sh-var", {
            name: "vllm",
            image: PINNED,
            command: ["sh", "-c", "exec vllm serve m --tensor-parallel-size $TP"],
            env: [{ name: "TP", value: "4" }],
            ...gpus(2),
            ...SHM,
        })),
    ];
}
