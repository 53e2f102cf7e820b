/**
 * Which vLLM release the simulator is, from the image it stands in for, and so which metric names
 * its /metrics exports. The table itself is the project's one version -> catalogue table
 * (`@vllm-pulumi/kube-parser`, vllmCatalogue.ts), loaded from its compiled file alone so a pod's
 * start-up does not pay for the rest of the parser.
 *
 * Unknown versions: a tag that names a vLLM version the table does not know (say v0.12.0) is
 * refused at start-up (exit 2, a message naming the known lines), like a pod whose image cannot
 * run: a simulator silently exporting 0.11's names for it would make the upgrade's metric gate
 * pass for the wrong reason. An image whose tag is not a version (a digest, a custom tag) or no
 * image at all is the pinned release (0.11), as the simulator always was.
 */
import type * as Catalogue from "@vllm-pulumi/kube-parser/bin/vllmCatalogue";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const table = require("@vllm-pulumi/kube-parser/bin/vllmCatalogue") as typeof Catalogue;

export type VllmMetricCatalogue = Catalogue.VllmMetricCatalogue;

export type SimIdentity =
    | { kind: "ok"; version: string; catalogue: VllmMetricCatalogue; note: string }
    | { kind: "unknown-version"; message: string };

/** The release the simulator imitates for `image`, with its catalogue. */
export function simIdentity(image: string | undefined): SimIdentity {
    const pinned = table.pinnedCatalogue();
    const pinnedVersion = `${pinned.line}.0`;
    if (image === undefined) return { kind: "ok", version: pinnedVersion, catalogue: pinned, note: `no --sim-image: vLLM ${pinnedVersion}'s metrics` };
    const v = table.vllmVersionFromImage(image);
    if (!v) return { kind: "ok", version: pinnedVersion, catalogue: pinned, note: `image ${image} names no version: vLLM ${pinnedVersion}'s metrics` };
    const catalogue = table.catalogueForVersion(v);
    if (!catalogue) {
        const known = table.VLLM_METRIC_CATALOGUES.map((c) => `${c.line}.x`).join(", ");
        return {
            kind: "unknown-version",
            message: `vllm-sim: no metric catalogue for vLLM ${v.text} (image ${image}); known release lines: ${known}. ` +
                `Add the release's names to packages/kube-parser/src/vllmCatalogue.ts from its vllm/v1/metrics/loggers.py.\n`,
        };
    }
    return { kind: "ok", version: v.text, catalogue, note: `image ${image}: vLLM ${v.text}'s metrics (${catalogue.line} line)` };
}

/** Whether the catalogue has a family of that declared name. */
export function cataloguedFamily(c: VllmMetricCatalogue, family: string): boolean {
    return c.metrics.some((m) => m.name === family);
}
