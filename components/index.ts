/**
 * The VllmService component package: import from here, never from the files behind it.
 */
export type { VllmServiceArgs } from "./args";
export { DEFAULTS, DEFAULT_IMAGE, VLLM_PORT } from "./defaults";
export type { VllmModel } from "./model";
export { validateArgs, VllmServiceArgsError } from "./validate";
export { VllmService } from "./vllmService";
export { VllmGuardrails } from "./guardrails";
export type { VllmGuardrailsArgs } from "./guardrails";
