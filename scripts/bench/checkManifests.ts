/**
 * check-manifests figures for `npm run bench`: measured by scripts/bench-check-manifests.ts
 * (start-up, throughput and peak memory, side by side with conftest), shown here against the
 * targets of issue 10.
 */
import { Figures, Run, runCheckManifestsBench } from "../bench-check-manifests";
import { Figure, Section } from "./report";

export const TARGETS = { startupSeconds: 0.3, objectsPerSecond: 5000, overConftest: 1 };

const mem = (r: Run) => (r.peakMiB === undefined ? "" : `, peak ${r.peakMiB.toFixed(0)} MiB`);

export function checkManifestsFigures(f: Figures): Figure[] {
    const figures: Figure[] = [
        {
            label: `check-manifests start-up on an empty file (\`${f.startup.command}\`)`,
            value: `${f.startup.seconds.toFixed(3)} s${mem(f.startup)}`,
            target: `<= ${TARGETS.startupSeconds} s`,
            met: f.startup.seconds <= TARGETS.startupSeconds,
        },
        {
            label: `check-manifests, whole pack, ${f.objects} generated objects`,
            value: `${Math.round(f.checkManifests.objectsPerSecond)} objects/s (${f.checkManifests.seconds.toFixed(2)} s${mem(f.checkManifests)})`,
            target: `>= ${TARGETS.objectsPerSecond} objects/s`,
            met: f.checkManifests.objectsPerSecond >= TARGETS.objectsPerSecond,
        },
    ];
    if (f.conftest && f.ratio !== undefined) {
        figures.push(
            {
                label: `conftest ${f.conftest.version.replace(/^Conftest:?\s*/i, "")}, Rego vllm-image-pinned + hpa-no-gpu-utilization, same input`,
                value: `${Math.round(f.conftest.objectsPerSecond)} objects/s (${f.conftest.seconds.toFixed(2)} s${mem(f.conftest)})`,
            },
            {
                label: "check-manifests / conftest throughput",
                value: `${f.ratio.toFixed(2)}x`,
                target: `>= ${TARGETS.overConftest}x`,
                met: f.ratio >= TARGETS.overConftest,
            },
        );
    } else {
        figures.push({ label: "conftest", value: `not measured: ${f.conftestSkipped}`, target: `>= ${TARGETS.overConftest}x`, met: false });
    }
    return figures;
}

export async function measureCheckManifests(runs: number, log: (msg: string) => void): Promise<Section> {
    log("check-manifests: start-up, throughput, conftest");
    const f = await runCheckManifestsBench({ runs });
    return {
        name: "check-manifests",
        title: "check-manifests",
        how: `scripts/bench-check-manifests.ts, medians of ${f.runs} runs after a warm-up; ${f.expectedViolations} violations of the compared policies in the input`,
        figures: checkManifestsFigures(f),
    };
}
