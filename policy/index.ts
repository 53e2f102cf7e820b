// The pack's entry point: only the PolicyPack. Its constructor reads package.json and
// starts the gRPC server the Pulumi CLI talks to, so tests and tools import ./policies instead.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("vllm-kubernetes", { policies });
