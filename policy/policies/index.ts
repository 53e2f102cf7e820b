/**
 * Every policy of the pack, in the order the README lists them. The pack's entry point,
 * the check-manifests CLI and the tests all take the list from here.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { hfTokenFromSecret } from "./hfTokenFromSecret";
import { hpaNoGpuUtilization } from "./hpaNoGpuUtilization";
import { hpaScaleDownStabilization } from "./hpaScaleDownStabilization";
import { serviceMonitorSelectsService } from "./serviceMonitorSelectsService";
import { vllmHealthProbes } from "./vllmHealthProbes";
import { vllmImagePinned } from "./vllmImagePinned";
import { vllmShmSize } from "./vllmShmSize";
import { vllmTpMatchesGpus } from "./vllmTpMatchesGpus";
import { vllmValuesLiteral } from "./vllmValuesLiteral";

export { hfTokenFromSecret, hpaNoGpuUtilization, hpaScaleDownStabilization, serviceMonitorSelectsService, vllmHealthProbes, vllmImagePinned, vllmShmSize, vllmTpMatchesGpus, vllmValuesLiteral };

export const policies: Array<ResourceValidationPolicy | StackValidationPolicy> = [
    vllmImagePinned,
    vllmTpMatchesGpus,
    hpaNoGpuUtilization,
    vllmShmSize,
    hpaScaleDownStabilization,
    vllmHealthProbes,
    hfTokenFromSecret,
    serviceMonitorSelectsService,
    vllmValuesLiteral,
];
