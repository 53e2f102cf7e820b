/**
 * What an upgrade is asked to do, checked before anything is created: `--image` (and
 * `--model-revision`) with the component's own pin checks (components/pins.ts), and the gate
 * settings within sane bounds.
 */
import { pinProblems } from "../components/pins";

export interface UpgradeRequest {
    stack: string;
    image: string;
    modelRevision?: string;
    gates: GateSettings;
}

export interface GateSettings {
    /** Seconds of traffic the TTFT gate compares (canary vs stable vs the target). */
    ttftWindowSeconds: number;
    /** Fewer canary requests than this in the window: the TTFT gate cannot judge, and fails. */
    ttftMinRequests: number;
    /** The canary may be this much below the stable pods' TTFT compliance (absolute fraction). */
    ttftTolerance: number;
}

export const DEFAULT_GATES: GateSettings = { ttftWindowSeconds: 60, ttftMinRequests: 10, ttftTolerance: 0.05 };

/** Thrown for bad input; nothing was changed. */
export class UpgradeInputError extends Error {}

/** Problems of a request, each naming its flag; empty when it can go ahead. */
export function requestProblems(r: UpgradeRequest): string[] {
    const problems = pinProblems({ image: r.image, imageKey: "--image", revision: r.modelRevision, revisionKey: "--model-revision" });
    const g = r.gates;
    if (!Number.isInteger(g.ttftWindowSeconds) || g.ttftWindowSeconds < 5 || g.ttftWindowSeconds > 3600) problems.push(`--ttft-window: seconds in [5, 3600], got ${g.ttftWindowSeconds}`);
    if (!Number.isInteger(g.ttftMinRequests) || g.ttftMinRequests < 1) problems.push(`--ttft-min-requests: an integer >= 1, got ${g.ttftMinRequests}`);
    if (!(g.ttftTolerance >= 0 && g.ttftTolerance < 1)) problems.push(`--ttft-tolerance: a fraction in [0, 1), got ${g.ttftTolerance}`);
    return problems;
}
