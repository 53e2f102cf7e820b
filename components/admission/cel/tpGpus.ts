/**
 * vllm-tp-matches-gpus in CEL (policy/policies/parallelism.ts, mandatory verdicts only): a server
 * needs TP x PP x local DP devices (a 1/N share of TP x PP x DP with `--nnodes N`); a
 * LeaderWorkerSet's leader runs the whole group. Values that are not literal numbers are
 * vllm-values-literal's business and pass here, as in the pack.
 *
 * Only the limit is compared: the API server itself refuses an extended resource whose request
 * differs from its limit, or that has a request and no limit, before admission policies run.
 */
import { TP_GPU_BUILD_NO_GPU, TP_GROUP_FIX, TP_PIP_GPU_BUILD } from "@vllm-pulumi/kube-parser";
import { CelVariable, firstOf, stage, str } from "./lang";
import { count, GROUP_SIZE, LEADER_GPUS, limitsOf, NEEDS_FIELDS, WORKER_GPUS } from "./parallelism";

const plural = (n: string) => `string(${n}) + (${n} == 1 ? ' GPU' : ' GPUs')`;

/** vLLM's CPU build needs no GPU (isVllmCpuBuild in vllm.ts). */
const CPU_BUILD =
    "x.repo.lowerAscii().split('/')[x.repo.split('/').size() - 1].matches('(^|[-_])cpu([-_]|$)') || x.tag.matches('(?i)(^|[-_.])cpu([-_.]|$)') || " +
    "x.c.?env.orValue([]).exists(e, e.name.startsWith('VLLM_CPU_') || (e.name == 'VLLM_TARGET_DEVICE' && e.?value.orValue('') == 'cpu')) || " +
    "'--device=cpu' in x.tokens || lists.range(x.tokens.size()).exists(i, x.tokens[i] == '--device' && i + 1 < x.tokens.size() && x.tokens[i + 1] == 'cpu')";

const NEEDS = `(x.need == 0 ? x.desc : x.desc + ' needs ' + ${plural("x.need")})`;
const RESOURCE = "x.resource[0]";
const LIMIT = `${count(`${limitsOf("x.c")}[${RESOURCE}]`)}`;

/** Why no GPU is wrong: a vLLM image is the GPU build; any other image runs vLLM as pip installs it (noGpuReason). */
const NO_GPU_REASON =
    `x.vllmImage ? 'image "' + x.image + '" ' + ${str(TP_GPU_BUILD_NO_GPU)} : ` +
    `'it runs vLLM (' + (x.start >= 2 && x.tokens[x.start - 2] == '-m' ? 'python -m vllm.entrypoints' : 'vllm serve') + ') on ' + ` +
    `(has(x.c.image) ? 'image "' + x.image + '", which is not one of ' + ${str("vLLM's images")} : 'an image the manifest does not name') + '; ' + ${str(TP_PIP_GPU_BUILD)}`;

const NO_LIMITS_MESSAGE =
    `x.label + ': ' + ${NEEDS} + ' but has no limits "nvidia.com/gpu": ' + (${NO_GPU_REASON}) + ` +
    `'. Set limits and requests "nvidia.com/gpu" to ' + (x.need == 0 ? 'the tensor-parallel size' : string(x.need)) + ', or run vLLM\\'s CPU image for CPU inference.'`;
const REQUESTS_ONLY_MESSAGE =
    `x.label + ': ' + ${NEEDS} + ' but has requests but no limits "' + ${RESOURCE} + '". Set limits and requests "' + ${RESOURCE} + '" to ' + (x.need == 0 ? 'the tensor-parallel size' : string(x.need)) + '.'`;
const MISMATCH_MESSAGE =
    `x.label + ': ' + ${NEEDS} + ' but limits "' + ${RESOURCE} + '" is ' + string(${LIMIT}) + '. Set limits and requests "' + ${RESOURCE} + '" to ' + string(x.need) + ', or change the flag.'`;

const LOCAL = firstOf(
    [
        ["x.resource.size() == 0", `(${CPU_BUILD}) ? '' : ${NO_LIMITS_MESSAGE}`],
        [`!(${RESOURCE} in ${limitsOf("x.c")})`, REQUESTS_ONLY_MESSAGE],
        [`x.need == 0 || ${LIMIT} == x.need`, "''"],
    ],
    MISMATCH_MESSAGE,
);

const PODS =
    "variables.leaderGpus == variables.workerGpus ? string(variables.groupSize) + ' pods (size) x ' + string(variables.leaderGpus) + ' GPUs' : " +
    "'a leader with ' + string(variables.leaderGpus) + ' GPUs and ' + string(variables.groupSize - 1) + ' workers with ' + string(variables.workerGpus)";
const GROUP =
    `x.world == 0 || x.world == variables.groupGpus ? '' : x.label + ': ' + x.desc + ' needs ' + ${plural("x.world")} + ' across the group, but the LeaderWorkerSet gives ' + ` +
    `(${PODS}) + ' = ' + string(variables.groupGpus) + '. ' + ${str(TP_GROUP_FIX)}`;

/** Variables after parallelVariables(): `tpProblems`, one message per mismatched server. */
export function tpVariables(): CelVariable[] {
    const multiNode = "x.nnFlag != '' && x.nnN > 1";
    return [
        { name: "groupSize", expression: GROUP_SIZE },
        { name: "leaderGpus", expression: LEADER_GPUS },
        { name: "workerGpus", expression: WORKER_GPUS },
        { name: "groupGpus", expression: "variables.leaderGpus + (variables.groupSize - 1) * variables.workerGpus" },
        stage("worlds", "needs", NEEDS_FIELDS, {
            world: "x.tpN > 0 && x.ppN > 0 && x.dpN > 0 ? x.tpN * x.ppN * x.dpN : 0",
            local: "x.tpN > 0 && x.ppN > 0 && x.localN > 0 ? x.tpN * x.ppN * x.localN : 0",
        }),
        stage("verdicts", "worlds", ["label", "c", "image", "repo", "tag", "vllmImage", "start", "tokens", "desc", "ambiguous", "resource", "world"], {
            need: firstOf([[multiNode, "x.world == 0 ? 0 : x.world % x.nnN == 0 ? x.world / x.nnN : x.world"]], "x.local"),
            group: `!(${multiNode}) && variables.groupSize > 1 && !x.headless && x.dplFlag == ''`,
        }),
        { name: "tpProblems", expression: `variables.verdicts.map(x, x.ambiguous + [x.group ? (${GROUP}) : (${LOCAL})]).flatten().filter(m, m != '')` },
    ];
}
