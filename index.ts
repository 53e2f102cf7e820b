/**
 * The program: reads this stack's config (keys declared in Pulumi.yaml, generated from
 * components/args.ts), builds one VllmService and exports what clients and operators need.
 * Config is read here only; the component never touches stack config.
 */
import { VllmService, VllmServiceArgs } from "./components/index";
import { readStackConfig } from "./stackConfig";

// The component checks every value (types, ranges, required keys, unknown keys) and names the key.
// The project directory (the engine runs the program there): from bin/ (program.js), __dirname is not it.
const args = readStackConfig(process.cwd()) as unknown as VllmServiceArgs;
const vllm = new VllmService(args.name ?? "vllm-server", args);

export const namespace = vllm.namespace;
export const serviceName = vllm.serviceName;
export const deploymentName = vllm.deploymentName;
export const hpaName = vllm.hpaName;
export const url = vllm.url;
export const servedModelName = vllm.servedModelName;
export const apiKey = vllm.apiKey;
export const adapterRules = vllm.adapterRules;
export const adapterSettings = vllm.adapterSettings;
