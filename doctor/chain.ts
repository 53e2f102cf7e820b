/**
 * The walk: the links' verdicts in the chain's order. The first broken link is the one to fix;
 * every later link that is broken or could not be judged is marked as coming after it (it may
 * only be a consequence). Pure.
 */
import { LINKS, LINK_TITLES, LinkId, LinkResult, Verdict } from "./types";

export interface ChainOutcome {
    results: LinkResult[];
    /** The first broken link, when any. */
    firstBroken?: LinkResult;
    /** Links that could not be judged (and are not after a broken one). */
    unjudged: LinkResult[];
    /** 0: every link holds; 1: a link is broken; 4: none is broken, but some could not be judged. */
    exitCode: 0 | 1 | 4;
}

export function walkChain(verdicts: Record<LinkId, Verdict>): ChainOutcome {
    let firstBroken: LinkResult | undefined;
    const results = LINKS.map((link): LinkResult => {
        const r: LinkResult = { link, title: LINK_TITLES[link], ...verdicts[link] };
        if (firstBroken && r.status !== "ok") r.after = firstBroken.link;
        if (!firstBroken && r.status === "broken") firstBroken = r;
        return r;
    });
    const unjudged = results.filter((r) => r.status === "not checked" && !r.after);
    // A chain with an unjudged link is not known to hold: a CI gate must not read that as "ok".
    return { results, firstBroken, unjudged, exitCode: firstBroken ? 1 : unjudged.length > 0 ? 4 : 0 };
}
