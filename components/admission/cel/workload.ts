/**
 * The containers of a workload and which of them run vLLM, in CEL, mirroring
 * packages/kube-parser (workload.ts podSpecsOf/containersOf/containerLabel, vllm.ts
 * isVllmImage/vllmServer, flags.ts commandTokens). Every workload policy starts with these
 * variables; each item of `variables.procs` is one container:
 *
 *   label    `container "vllm"`, `init container "x"`, `leader container "vllm"` (for messages)
 *   list     containers | initContainers | ephemeralContainers
 *   c, pod   the container and its pod spec
 *   image    the image as written; repo, tag, hub: its lenient parse (parseImageRef)
 *   vllmImage, tokens (command ++ args with `$(VAR)` from literal env), start (where the
 *   server's own arguments begin, -1 when the container runs no vLLM server)
 *
 * What CEL does not do here (the pack does): `$VAR` expansion and exact quoting inside `sh -c`
 * scripts (they are split on blanks, quotes dropped); `$$` escapes; more than one distinct `$(VAR)`
 * in one token (the first is expanded).
 */
import { bind, CelVariable, firstOf, record, stage, str, strList } from "./lang";

const podSpec = (role: string, spec: string) => record({ role, spec });
const WORKER_TEMPLATE = "object.?spec.?leaderWorkerTemplate.?workerTemplate.?spec.orValue({})";

/** Where each kind keeps its pod template(s), with the LeaderWorkerSet's leader/worker roles. */
const POD_SPECS = firstOf(
    [
        ["object.kind == 'Pod'", `[${podSpec("''", "object.spec")}]`],
        ["object.kind == 'CronJob'", `[${podSpec("''", "object.spec.jobTemplate.spec.template.spec")}]`],
        [
            "object.kind == 'LeaderWorkerSet'",
            // Without a leaderTemplate the leader pod is created from the workerTemplate.
            `[${podSpec("'leader'", `object.?spec.?leaderWorkerTemplate.?leaderTemplate.?spec.orValue(${WORKER_TEMPLATE})`)}, ${podSpec("'worker'", WORKER_TEMPLATE)}]`,
        ],
    ],
    `[${podSpec("''", "object.?spec.?template.?spec.orValue({})")}]`,
);

const CONTAINER_LISTS = "['containers', 'initContainers', 'ephemeralContainers']";

const CONTAINERS =
    `variables.podSpecs.map(p, ${CONTAINER_LISTS}.map(l, p.spec[?l].orValue([]).map(c, ` +
    `${record({ role: "p.role", list: "l", c: "c", pod: "p.spec" })}))).flatten(2)`;

const LABEL =
    "(x.role == '' ? '' : x.role + ' ') + " +
    "(x.list == 'containers' ? 'container' : x.list == 'initContainers' ? 'init container' : 'ephemeral container') + " +
    `' "' + x.c.name + '"'`;

/** The image without digest, split off its registry the way parseImageRef does leniently. */
const NO_DIGEST = "x.image.split('@')[0]";
const FIRST = `${NO_DIGEST}.split('/')[0]`;
const HAS_REGISTRY = `(${NO_DIGEST}.contains('/') && (${FIRST}.contains('.') || ${FIRST}.contains(':') || ${FIRST} == 'localhost'))`;
const REST = `(${HAS_REGISTRY} ? ${NO_DIGEST}.substring(${NO_DIGEST}.indexOf('/') + 1) : ${NO_DIGEST})`;

/** One `$(VAR)` reference of a token (Kubernetes expands them from the container's env). */
const VAR_REF = str("\\$\\([A-Za-z_][A-Za-z0-9_.-]*\\)");

/** The token with its first `$(VAR)` replaced by the container's literal env value (the last entry of that name wins). */
function expanded(t: string): string {
    const defs = "x.c.?env.orValue([]).filter(e, e.name == ref.substring(2, ref.size() - 1))";
    const last = "defs[defs.size() - 1]";
    return bind("ref", `${t}.find(${VAR_REF})`, `ref == '' ? ${t} : ${bind("defs", defs, `defs.size() == 0 || !has(${last}.value) ? ${t} : ${t}.replace(ref, ${last}.value)`)}`);
}

/** `vllm serve` (any path to vllm) or `python -m vllm.entrypoints.*` at token i. */
const INVOCATION_AT =
    "i + 1 < x.tokens.size() && ((x.tokens[i].substring(x.tokens[i].lastIndexOf('/') + 1) == 'vllm' && x.tokens[i + 1] == 'serve') || " +
    "(x.tokens[i] == '-m' && x.tokens[i + 1].startsWith('vllm.entrypoints.')))";

/** Shells whose `-c SCRIPT` (any option cluster with c: `-c`, `-lc`, `-ec`) runs the script. */
const SHELLS = ["sh", "bash", "dash", "ash", "zsh", "ksh"];
const SHELL_AT =
    `i + 2 < x.argv.size() && x.argv[i].substring(x.argv[i].lastIndexOf('/') + 1) in ${strList(SHELLS)} && x.argv[i + 1].matches('^-[A-Za-z]*c[A-Za-z]*$')`;

/**
 * The words of a shell script, roughly: quotes dropped, line continuations joined, a newline ends
 * a command (a `;` word). Unlike the pack's shellWords, no `$VAR` expansion, and an operator
 * written without spaces (`a;b`) stays in its word.
 */
function scriptWords(script: string): string {
    return `${script}.replace('\\\\\\n', ' ').replace('\\n', ' ; ').replace('"', '').replace("'", '').replace('\\t', ' ').split(' ').filter(w, w != '')`;
}

/** Tokens that end one shell command; the server's arguments stop there (SHELL_OPERATORS in flags.ts). */
export const SHELL_OPERATORS = [";", "&&", "||", "|", "&", "(", ")", ";;", "|&"];

export const WORKLOAD_VARIABLES: CelVariable[] = [
    { name: "podSpecs", expression: POD_SPECS },
    { name: "containers", expression: CONTAINERS },
    stage("named", "containers", ["list", "c", "pod"], { label: LABEL, image: "x.c.?image.orValue('')" }),
    stage("parsed", "named", ["label", "list", "c", "pod", "image"], { hub: `!${HAS_REGISTRY} || ${FIRST} == 'docker.io' || ${FIRST} == 'index.docker.io'`, rest: REST }),
    stage("imaged", "parsed", ["label", "list", "c", "pod", "image", "hub"], {
        repo: "x.rest.lastIndexOf(':') >= 0 ? x.rest.substring(0, x.rest.lastIndexOf(':')) : x.rest",
        tag: "x.rest.lastIndexOf(':') >= 0 ? x.rest.substring(x.rest.lastIndexOf(':') + 1) : ''",
    }),
    stage("tokenized", "imaged", ["label", "list", "c", "pod", "image", "repo", "tag"], {
        vllmImage:
            "x.repo.lowerAscii().split('/')[x.repo.split('/').size() - 1] == 'vllm' || " +
            "x.repo.lowerAscii().split('/')[x.repo.split('/').size() - 1].matches('^vllm-(openai|cpu)(-[a-z0-9]+)*$') || " +
            "(x.hub && x.repo.split('/').size() == 2 && x.repo.lowerAscii().split('/')[0] == 'vllm')",
        argv: `(x.c.?command.orValue([]) + x.c.?args.orValue([])).map(t, ${expanded("t")})`,
    }),
    stage("scripted", "tokenized", ["label", "list", "c", "pod", "image", "repo", "tag", "vllmImage"], {
        tokens: bind("sh", `lists.range(x.argv.size()).filter(i, ${SHELL_AT})`, `sh.size() == 0 ? x.argv : x.argv.slice(0, sh[0]) + ${scriptWords("x.argv[sh[0] + 2]")}`),
    }),
    stage("procs", "scripted", ["label", "list", "c", "pod", "image", "repo", "tag", "vllmImage", "tokens"], {
        start: bind("at", `lists.range(x.tokens.size()).filter(i, ${INVOCATION_AT})`, "at.size() > 0 ? at[0] + 2 : (x.c.?command.orValue([]).size() == 0 && x.vllmImage ? 0 : -1)"),
    }),
];

/** Fields of a `variables.procs` item, for stages that keep them all. */
export const PROC_FIELDS = ["label", "list", "c", "pod", "image", "repo", "tag", "vllmImage", "tokens", "start"] as const;
