/**
 * Runs Pulumi code under `pulumi.runtime.setMocks` and records every resource it registers,
 * with the inputs the engine would have received. Fast unit tests only: the real engine is
 * exercised by tests/integration.
 */
import * as pulumi from "@pulumi/pulumi";

export const PROJECT = "vllm-pulumi";

/** A stand-in for the generated API key; tests assert it never shows up in plain text. */
export const MOCK_API_KEY = "mock-api-key-0123456789abcdefghijklmnopqrstuvwxyz01";

export interface CapturedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    /** False for component resources. */
    custom: boolean;
}

export class Captured {
    /** Custom resources only: what a provider would create. */
    readonly resources: CapturedResource[];

    /** `all` includes component resources. */
    constructor(readonly all: CapturedResource[]) {
        this.resources = all.filter((r) => r.custom);
    }

    ofType(type: string): CapturedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The single resource of a type (fails loudly when there are none or several). */
    one(type: string): CapturedResource {
        const found = this.ofType(type);
        if (found.length !== 1) {
            throw new Error(`expected exactly one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
        }
        return found[0];
    }

    /** The CustomResource of a given kind (all CustomResources share one Pulumi type per apiVersion/kind). */
    kind(kind: string): CapturedResource[] {
        return this.resources.filter((r) => r.inputs.kind === kind);
    }
}

/**
 * Sets mocks and config, runs `build`, waits until every registration has reached the mock
 * monitor, and returns what was registered plus what `build` returned.
 */
export async function runWithMocks<T>(build: () => T, config: Record<string, unknown> = {}, secretKeys: string[] = [], stack = "test"): Promise<{ captured: Captured; result: T }> {
    const resources: CapturedResource[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                resources.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? true });
                const state = args.type === "random:index/randomPassword:RandomPassword" ? { ...args.inputs, result: MOCK_API_KEY } : args.inputs;
                return { id: `${args.name}-id`, state };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                return args.inputs;
            },
        },
        PROJECT,
        stack,
        false,
    );
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        flat[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(flat, secretKeys.map((k) => `${PROJECT}:${k}`));
    let result: T;
    try {
        result = build();
    } catch (e) {
        // Let tests check that nothing was registered before the failure.
        throw Object.assign(e as Error, { captured: new Captured(resources) });
    }
    // Internal but stable: resolves once the RPC queue (every registerResource) is drained.
    await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
    return { captured: new Captured(resources), result };
}

/** The value of an Output (known under mocks). */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

/** Pulumi's marker for a secret value in serialized inputs (sdk/nodejs/runtime/rpc.ts, specialSigKey). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Splits a serialized input into whether it was marked secret and its plain value. */
export function unwrapSecret(v: any): { secret: boolean; value: any } {
    if (v && typeof v === "object" && v[SIG_KEY] === SECRET_SIG) {
        return { secret: true, value: v.value };
    }
    return { secret: false, value: v };
}
