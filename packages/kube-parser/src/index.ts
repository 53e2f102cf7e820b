/**
 * The one parser of Kubernetes objects, shared by the VllmService component, the policy pack
 * and the check-manifests CLI, so that they can never disagree about what is valid.
 * Pure TypeScript: no imports from Pulumi or any other package (the package is published
 * compiled, in bin/, for the policy pack to bundle).
 */
export * from "./image";
export * from "./reference";
export * from "./quantity";
export * from "./flags";
export * from "./vllm";
export * from "./workload";
export * from "./metrics";
export * from "./selector";
export * from "./kinds";
export * from "./templates";
export * from "./operators";
export * from "./durations";
export * from "./adapterTiming";
export * from "./vllmCatalogue";
export * from "./ruleText";
