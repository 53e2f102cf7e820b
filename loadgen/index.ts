/** The load generator's public API (used by scripts/load.ts and the loop tests). */
export { runLoad, progressLine, OBSERVED } from "./runLoad";
export type { LoadOptions, LoadResult, LoadSummary, Observation, TickPoint } from "./runLoad";
export type { RequestOutcome } from "./client";
export { summaryLine, desiredSeries } from "./summary";
export { writeChart, renderChart } from "./chart";
export { percentile } from "./stats";
