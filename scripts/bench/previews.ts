/**
 * `pulumi preview` timings: the engine's floor (an empty program), the dev stack, the dev stack
 * with the policy pack, and N VllmServices in one stack, each beside the floor it cannot go below:
 * the dev stack with an empty policy pack (what any Node.js pack costs), and N components that
 * register the same 11 resources as a VllmService, with minimal specs and with one VllmService's
 * rendered objects (bench/scale-floor-program). Variants are measured round-robin (one preview of
 * each per round, after a warm-up round), so a change in machine load during the run touches every
 * variant alike instead of whichever happened to run then.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PulumiWorkspace } from "../pulumi-workspace";
import { REPO_ROOT } from "../toolchain";
import { runReaped, subreaperPython } from "./reaped";
import { Figure, Section } from "./report";
import { medianSample, Sample, seconds, timed } from "./stats";

export const POLICY_PACK = path.join(REPO_ROOT, "policy");
/** A pack with no policies, started like ours: its cost is the floor of running any Node.js pack. */
export const EMPTY_POLICY_PACK = path.join(REPO_ROOT, "bench", "empty-policy-pack");
/** Instances of VllmService in the scale curve's stacks. */
export const SCALE_POINTS = [1, 5, 20];
/** Instances in the per-instance floor stacks (bench/scale-floor-program): the ends of SCALE_POINTS. */
export const FLOOR_POINTS = [SCALE_POINTS[0], SCALE_POINTS[SCALE_POINTS.length - 1]];
/** The floor program's `objects` config: minimal specs, or one VllmService's rendered objects. */
const FLOOR_KINDS = ["minimal", "rendered"] as const;
/** Targets of issue 10. */
export const TARGETS = { devOverFloor: 1.5, packSeconds: 0.3, perInstanceSeconds: 0.15 };

interface Variant {
    label: string;
    ws: PulumiWorkspace;
    args: string[];
}

/** One preview under the subreaper, so the CPU column also counts a policy pack's process. */
async function preview(v: Variant): Promise<void> {
    const args = ["preview", ...v.args, "--non-interactive"];
    const r = await runReaped("pulumi", args, { cwd: v.ws.projectDir, env: v.ws.env });
    if (r.code !== 0) {
        throw new Error(`pulumi ${args.join(" ")} failed (exit ${r.code}):\n${r.output}`);
    }
}

/** Runs every variant once per round (after one warm-up round); resolves with each one's median. */
async function roundRobin(variants: Variant[], runs: number, log: (msg: string) => void): Promise<Map<string, Sample>> {
    const samples = new Map(variants.map((v) => [v.label, [] as Sample[]]));
    for (let round = 0; round <= runs; round++) {
        log(round === 0 ? "previews: warm-up round (plugin start-up, caches)" : `previews: round ${round}/${runs}`);
        for (const v of variants) {
            const s = await timed(() => preview(v));
            if (round > 0) {
                samples.get(v.label)!.push(s);
            }
        }
    }
    return new Map([...samples].map(([k, v]) => [k, medianSample(v)]));
}

/** A random API key per stack: no pulumi-random provider can be built here (tools/README.md). */
async function setApiKey(ws: PulumiWorkspace): Promise<void> {
    await ws.setSecret("apiKey", crypto.randomBytes(24).toString("base64url"));
}

/**
 * A copy of the empty pack beside policy/node_modules (linked), so it loads the very same
 * @pulumi/policy and @pulumi/pulumi as policy/ does.
 */
function emptyPackCopy(dir: string): string {
    const pack = path.join(dir, "empty-policy-pack");
    fs.mkdirSync(pack, { recursive: true });
    for (const f of fs.readdirSync(EMPTY_POLICY_PACK)) {
        fs.copyFileSync(path.join(EMPTY_POLICY_PACK, f), path.join(pack, f));
    }
    fs.symlinkSync(path.join(POLICY_PACK, "node_modules"), path.join(pack, "node_modules"));
    return pack;
}

async function floorVariants(dir: string, kubeconfig: string): Promise<Variant[]> {
    const ws = new PulumiWorkspace({ dir: path.join(dir, "scale-floor"), programDir: path.join(REPO_ROOT, "bench", "scale-floor-program"), kubeconfig });
    const out: Variant[] = [];
    for (const kind of FLOOR_KINDS) {
        for (const n of FLOOR_POINTS) {
            const stack = `${kind}-${n}`;
            await ws.selectStack(stack);
            await setApiKey(ws);
            await ws.must(["config", "set", "instances", String(n), "--stack", stack]);
            await ws.must(["config", "set", "objects", kind, "--stack", stack]);
            out.push({ label: `floor-${kind}-${n}`, ws, args: ["--stack", stack] });
        }
    }
    return out;
}

async function variants(dir: string, kubeconfig: string): Promise<Variant[]> {
    const empty = new PulumiWorkspace({ dir: path.join(dir, "empty"), programDir: path.join(__dirname, "..", "bench-empty-program"), kubeconfig });
    await empty.selectStack("bench");
    const emptyJs = new PulumiWorkspace({ dir: path.join(dir, "empty-js"), programDir: path.join(__dirname, "..", "bench-empty-js-program"), kubeconfig });
    await emptyJs.selectStack("bench");
    const dev = new PulumiWorkspace({ dir: path.join(dir, "dev"), kubeconfig });
    await dev.selectStack("dev");
    await setApiKey(dev);
    const scale = new PulumiWorkspace({ dir: path.join(dir, "scale"), programDir: path.join(__dirname, "..", "bench-scale-program"), kubeconfig });
    for (const n of SCALE_POINTS) {
        await scale.selectStack(`scale-${n}`);
        await setApiKey(scale);
        await scale.must(["config", "set", "instances", String(n), "--stack", `scale-${n}`]);
    }
    return [
        { label: "floor", ws: empty, args: ["--stack", "bench"] },
        { label: "floor-js", ws: emptyJs, args: ["--stack", "bench"] },
        { label: "dev", ws: dev, args: ["--stack", "dev"] },
        { label: "dev+empty-pack", ws: dev, args: ["--stack", "dev", "--policy-pack", emptyPackCopy(dir)] },
        { label: "dev+pack", ws: dev, args: ["--stack", "dev", "--policy-pack", POLICY_PACK] },
        ...SCALE_POINTS.map((n) => ({ label: `scale-${n}`, ws: scale, args: ["--stack", `scale-${n}`] })),
        ...(await floorVariants(dir, kubeconfig)),
    ];
}

/** Milliseconds per added instance from `a` instances to `b`, in wall and CPU time. */
function perInstance(a: { n: number; s: Sample }, b: { n: number; s: Sample }): Sample {
    return { wall: (b.s.wall - a.s.wall) / (b.n - a.n), cpu: (b.s.cpu - a.s.cpu) / (b.n - a.n) };
}

const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;
const signed = (s: number, unit: (s: number) => string) => `${s < 0 ? "-" : "+"}${unit(Math.abs(s))}`;

/** The pack against its floor: the dev stack alone, with an empty pack, with ours. */
function packFigures(get: (label: string) => Sample): Figure[] {
    const dev = get("dev");
    const empty = get("dev+empty-pack");
    const pack = get("dev+pack");
    const packCost = pack.wall - dev.wall;
    return [
        {
            label: "dev stack with an empty policy pack (bench/empty-policy-pack: the floor of any Node.js pack, started like ours)",
            value: `${seconds(empty.wall)} (${signed(empty.wall - dev.wall, seconds)}, CPU ${signed(empty.cpu - dev.cpu, seconds)}, for a pack with no policies)`,
            cpu: seconds(empty.cpu),
        },
        {
            label: "dev stack with `--policy-pack policy`",
            value: `${seconds(pack.wall)} (${signed(packCost, seconds)}, CPU ${signed(pack.cpu - dev.cpu, seconds)}, for the pack: ${signed(pack.wall - empty.wall, seconds)}, CPU ${signed(pack.cpu - empty.cpu, seconds)}, above the empty pack)`,
            cpu: seconds(pack.cpu),
            target: `pack adds <= ${seconds(TARGETS.packSeconds)}`,
            met: packCost <= TARGETS.packSeconds,
        },
    ];
}

/** The cost of scale: the curve against the target, then one more instance beside its floors. */
function scaleFigures(get: (label: string) => Sample): Figure[] {
    const figures: Figure[] = [];
    const curve = SCALE_POINTS.map((n) => ({ n, s: get(`scale-${n}`) }));
    for (let i = 0; i < curve.length; i++) {
        const { n, s } = curve[i];
        if (i === 0) {
            figures.push({ label: `${n} VllmService in one stack`, value: seconds(s.wall), cpu: seconds(s.cpu) });
            continue;
        }
        const prev = curve[i - 1];
        const step = perInstance(prev, curve[i]);
        figures.push({
            label: `${n} VllmServices in one stack`,
            value: `${seconds(s.wall)} (+${ms(step.wall)} per instance over ${prev.n})`,
            cpu: seconds(s.cpu),
            target: `<= ${TARGETS.perInstanceSeconds * 1000} ms per instance`,
            met: step.wall <= TARGETS.perInstanceSeconds,
        });
    }
    const [lo, hi] = FLOOR_POINTS;
    const slope = (label: (n: number) => string) => perInstance({ n: lo, s: get(label(lo)) }, { n: hi, s: get(label(hi)) });
    const minimal = slope((n) => `floor-minimal-${n}`);
    const rendered = slope((n) => `floor-rendered-${n}`);
    const ours = slope((n) => `scale-${n}`);
    const line = (label: string, x: Sample, extra: string): Figure => ({
        label,
        value: `+${ms(x.wall)} per instance (${lo} -> ${hi})${extra}`,
        cpu: `+${ms(x.cpu)} per instance`,
    });
    figures.push(
        line("floor: a component registering the same 11 resources as a VllmService, minimal specs (engine + SDK + provider per instance)", minimal, ""),
        line("the same 11 resources carrying one VllmService's rendered objects, rendered once per process", rendered,
            `: the objects' size costs ${signed(rendered.wall - minimal.wall, ms)} (CPU ${signed(rendered.cpu - minimal.cpu, ms)})`),
        line("VllmService", ours,
            `: the component's own per-instance code costs ${signed(ours.wall - rendered.wall, ms)} (CPU ${signed(ours.cpu - rendered.cpu, ms)})`),
    );
    return figures;
}

/** Figures from the medians: ratios and differences against the targets, each beside its floor. */
export function previewFigures(m: Map<string, Sample>): Figure[] {
    const get = (label: string) => {
        const s = m.get(label);
        if (!s) {
            throw new Error(`no preview measured for ${label}`);
        }
        return s;
    };
    const floor = get("floor");
    const dev = get("dev");
    const ratio = dev.wall / floor.wall;
    return [
        { label: "empty TypeScript program (engine floor)", value: seconds(floor.wall), cpu: seconds(floor.cpu) },
        { label: "empty JavaScript program (no TypeScript loaded, like the compiled dev program)", value: `${seconds(get("floor-js").wall)} (dev stack: ${(dev.wall / get("floor-js").wall).toFixed(2)}x this)`, cpu: seconds(get("floor-js").cpu) },
        { label: "dev stack", value: `${seconds(dev.wall)} (${ratio.toFixed(2)}x the floor)`, cpu: seconds(dev.cpu), target: `<= ${TARGETS.devOverFloor}x the floor`, met: ratio <= TARGETS.devOverFloor },
        ...packFigures(get),
        ...scaleFigures(get),
    ];
}

/** Creates the workspaces and stacks under `dir` and measures every preview variant. */
export async function measurePreviews(dir: string, kubeconfig: string, runs: number, log: (msg: string) => void): Promise<Section> {
    const medians = await roundRobin(await variants(dir, kubeconfig), runs, log);
    return {
        name: "previews",
        title: "pulumi preview",
        how: `median of ${runs} round-robin runs after a warm-up, against ${process.env.KUBECONFIG ? "KUBECONFIG" : "the local control plane"}; ` +
            (subreaperPython() ? "CPU of every process of the preview, a policy pack's included (scripts/bench/reaped.ts)" : "CPU without a policy pack's process (no python3 for the subreaper)"),
        figures: previewFigures(medians),
    };
}
