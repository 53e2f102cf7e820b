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
    /** 0 when no link is broken, 1 otherwise. */
    exitCode: 0 | 1;
}

export function walkChain(verdicts: Record<LinkId, Verdict>): ChainOutcome {
    let firstBroken: LinkResult | undefined;
    const results = LINKS.map((link): LinkResult => {
        const r: LinkResult = { link, title: LINK_TITLES[link], ...verdicts[link] };
        if (firstBroken && r.status !== "ok") r.after = firstBroken.link;
        if (!firstBroken && r.status === "broken") firstBroken = r;
        return r;
    });
    return { results, firstBroken, exitCode: firstBroken ? 1 : 0 };
}
