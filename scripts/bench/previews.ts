/**
 * `pulumi preview` timings: the engine's floor (an empty program), the dev stack, the dev stack
 * with the policy pack, and N VllmServices in one stack. Variants are measured round-robin
 * (one preview of each per round, after a warm-up round), so a change in machine load during
 * the run touches every variant alike instead of whichever happened to run then.
 */
import * as crypto from "crypto";
import * as path from "path";
import { PulumiWorkspace } from "../pulumi-workspace";
import { REPO_ROOT } from "../toolchain";
import { Figure, Section } from "./report";
import { medianSample, Sample, seconds, timed } from "./stats";

export const POLICY_PACK = path.join(REPO_ROOT, "policy");
/** Instances of VllmService in the scale curve's stacks. */
export const SCALE_POINTS = [1, 5, 20];
/** Targets of issue 10. */
export const TARGETS = { devOverFloor: 1.5, packSeconds: 0.3, perInstanceSeconds: 0.15 };

interface Variant {
    label: string;
    ws: PulumiWorkspace;
    args: string[];
}

/** Runs every variant once per round (after one warm-up round); resolves with each one's median. */
async function roundRobin(variants: Variant[], runs: number, log: (msg: string) => void): Promise<Map<string, Sample>> {
    const samples = new Map(variants.map((v) => [v.label, [] as Sample[]]));
    for (let round = 0; round <= runs; round++) {
        log(round === 0 ? "previews: warm-up round (plugin start-up, caches)" : `previews: round ${round}/${runs}`);
        for (const v of variants) {
            const s = await timed(() => v.ws.must(["preview", ...v.args]));
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
        { label: "dev+pack", ws: dev, args: ["--stack", "dev", "--policy-pack", POLICY_PACK] },
        ...SCALE_POINTS.map((n) => ({ label: `scale-${n}`, ws: scale, args: ["--stack", `scale-${n}`] })),
    ];
}

/** Figures from the medians: ratios and differences against the targets. */
export function previewFigures(m: Map<string, Sample>): Figure[] {
    const get = (label: string) => m.get(label)!;
    const floor = get("floor");
    const dev = get("dev");
    const pack = get("dev+pack");
    const ratio = dev.wall / floor.wall;
    const packCost = pack.wall - dev.wall;
    const figures: Figure[] = [
        { label: "empty TypeScript program (engine floor)", value: seconds(floor.wall), cpu: seconds(floor.cpu) },
        { label: "empty JavaScript program (no TypeScript loaded, like the compiled dev program)", value: `${seconds(get("floor-js").wall)} (dev stack: ${(dev.wall / get("floor-js").wall).toFixed(2)}x this)`, cpu: seconds(get("floor-js").cpu) },
        { label: "dev stack", value: `${seconds(dev.wall)} (${ratio.toFixed(2)}x the floor)`, cpu: seconds(dev.cpu), target: `<= ${TARGETS.devOverFloor}x the floor`, met: ratio <= TARGETS.devOverFloor },
        { label: "dev stack with `--policy-pack policy`", value: `${seconds(pack.wall)} (+${seconds(packCost)} for the pack)`, cpu: seconds(pack.cpu), target: `pack adds <= ${seconds(TARGETS.packSeconds)}`, met: packCost <= TARGETS.packSeconds },
    ];
    const curve = SCALE_POINTS.map((n) => ({ n, s: get(`scale-${n}`) }));
    for (let i = 0; i < curve.length; i++) {
        const { n, s } = curve[i];
        if (i === 0) {
            figures.push({ label: `${n} VllmService in one stack`, value: seconds(s.wall), cpu: seconds(s.cpu) });
            continue;
        }
        const prev = curve[i - 1];
        const perInstance = (s.wall - prev.s.wall) / (n - prev.n);
        figures.push({
            label: `${n} VllmServices in one stack`,
            value: `${seconds(s.wall)} (+${(perInstance * 1000).toFixed(0)} ms per instance over ${prev.n})`,
            cpu: seconds(s.cpu),
            target: `<= ${TARGETS.perInstanceSeconds * 1000} ms per instance`,
            met: perInstance <= TARGETS.perInstanceSeconds,
        });
    }
    return figures;
}

/** Creates the workspaces and stacks under `dir` and measures every preview variant. */
export async function measurePreviews(dir: string, kubeconfig: string, runs: number, log: (msg: string) => void): Promise<Section> {
    const medians = await roundRobin(await variants(dir, kubeconfig), runs, log);
    return {
        name: "previews",
        title: "pulumi preview",
        how: `median of ${runs} round-robin runs after a warm-up, against ${process.env.KUBECONFIG ? "KUBECONFIG" : "the local control plane"}`,
        figures: previewFigures(medians),
    };
}
