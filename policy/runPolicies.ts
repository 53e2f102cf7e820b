/**
 * Runs the pack's policies outside the Pulumi engine, the way the engine's analyzer server
 * (@pulumi/policy server.ts) runs them: the same `ResourceValidationArgs`/`StackValidationArgs`,
 * props behind the same unknown-checking proxy, the same enforcement-level and config
 * resolution. The check-manifests CLI and the tests share it, so what they report is what
 * `pulumi preview --policy-pack policy` reports.
 */
import type {
    EnforcementLevel,
    PolicyPackConfig,
    PolicyResource,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

/**
 * The engine's unknown-checking proxy. Required from the proxy module alone (its typings are
 * internal): @pulumi/policy's index would load the gRPC server code.
 */
const proxy: {
    unknownCheckingProxy<T>(props: T): T;
    UnknownValueError: new (...args: any[]) => Error;
    unknownStringValue: string;
} = require("@pulumi/policy/proxy");
const { unknownCheckingProxy, UnknownValueError } = proxy;

/** What the engine puts in place of a string that is unknown during preview (for tests). */
export const UNKNOWN_STRING = proxy.unknownStringValue;

export type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** A resource as the engine describes it to a policy: Pulumi type, name and props (inputs). */
export interface PolicyInput {
    type: string;
    name: string;
    props: Record<string, any>;
    urn?: string;
}

export interface Violation {
    policy: string;
    enforcementLevel: EnforcementLevel;
    message: string;
    /** The resource the violation is about (for stack policies: the one whose URN was reported). */
    resource?: PolicyInput;
}

export const isResourcePolicy = (p: AnyPolicy): p is ResourceValidationPolicy => "validateResource" in p;
export const isStackPolicy = (p: AnyPolicy): p is StackValidationPolicy => "validateStack" in p;

/** A URN in the engine's format, for resources that do not come with one (manifests). */
export function urnOf(r: PolicyInput): string {
    return r.urn ?? `urn:pulumi:check::manifests::${r.type}::${r.name}`;
}

/** The enforcement level in effect: the policy's config, then `all`, then the policy's default. */
export function enforcementLevelOf(policy: AnyPolicy, config: PolicyPackConfig = {}): EnforcementLevel {
    const levelIn = (c: PolicyPackConfig[string] | undefined) => (typeof c === "string" ? c : c?.enforcementLevel);
    const level = levelIn(config[policy.name]) ?? levelIn(config["all"]) ?? policy.enforcementLevel ?? "advisory";
    // As in the engine: a violation that survives remediation is reported as mandatory.
    return level === "remediate" ? "mandatory" : level;
}

/** The policy's config without `enforcementLevel`, as `args.getConfig()` returns it. */
function getConfigFun(policy: AnyPolicy, config: PolicyPackConfig) {
    return <T extends object>(): T => {
        const c = config[policy.name];
        if (!c || typeof c === "string") return {} as T;
        const { enforcementLevel: _ignored, ...props } = c;
        return props as T;
    };
}

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};

const noOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

const noTypeChecks = {
    isType: () => false,
    asType: () => undefined,
};

/** What the engine reports for an exception a validation throws (or rejects with). */
function caught(policy: AnyPolicy, out: Violation[], e: unknown): void {
    if (e instanceof UnknownValueError) {
        out.push({ policy: policy.name, enforcementLevel: "advisory", message: `can't run policy '${policy.name}' during preview: ${e.message}` });
    } else if (!(e instanceof NotApplicable)) {
        throw new Error(`Error validating resource with policy '${policy.name}': ${(e as Error)?.stack ?? e}`);
    }
}

/**
 * Runs a validation like the engine does: an unknown value (preview) downgrades to an
 * advisory "can't run during preview"; `notApplicable()` ends it without a violation.
 * Synchronous validations (all of this pack's) return no promise, so none is awaited.
 */
function guarded(policy: AnyPolicy, out: Violation[], run: () => Promise<void> | void): Promise<void> | void {
    try {
        const r = run();
        if (r && typeof (r as Promise<void>).then === "function") return (r as Promise<void>).catch(e => caught(policy, out, e));
    } catch (e) {
        caught(policy, out, e);
    }
}

/** How to run: `manifests` for plain YAML, which has no unknown values to guard against. */
export interface RunOptions {
    /**
     * Skip the engine's unknown-checking proxy. It exists for `pulumi preview`, where a value
     * may not be known yet; a manifest file has none, and the proxy is most of the cost per object.
     */
    manifests?: boolean;
}

const propsFor = (props: Record<string, any>, opts: RunOptions) => (opts.manifests ? props : unknownCheckingProxy(props));

/** A resource policy with its level and config resolved once for a whole run. */
interface Prepared {
    policy: ResourceValidationPolicy;
    level: EnforcementLevel;
    getConfig: ReturnType<typeof getConfigFun>;
    validations: ResourceValidation[];
}

function prepare(policy: ResourceValidationPolicy, config: PolicyPackConfig): Prepared | undefined {
    const level = enforcementLevelOf(policy, config);
    if (level === "disabled" || !policy.validateResource) return undefined;
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    return { policy, level, getConfig: getConfigFun(policy, config), validations };
}

/** Runs a prepared policy on one resource, adding its violations to `out`. */
function runPrepared(p: Prepared, resource: PolicyInput, opts: RunOptions, out: Violation[]): Promise<void> | void {
    const report = (message: string) => out.push({ policy: p.policy.name, enforcementLevel: p.level, message, resource });
    const pending: Promise<void>[] = [];
    for (const validation of p.validations) {
        const args: ResourceValidationArgs = {
            type: resource.type,
            name: resource.name,
            urn: urnOf(resource),
            props: propsFor(resource.props, opts),
            opts: noOptions,
            stackTags: new Map(),
            getConfig: p.getConfig,
            notApplicable,
            ...noTypeChecks,
        };
        const r = guarded(p.policy, out, () => validation(args, report));
        if (r) pending.push(r);
    }
    if (pending.length) return Promise.all(pending).then(() => undefined);
}

/** Runs one resource policy on one resource; returns its violations. */
export async function validateResource(policy: ResourceValidationPolicy, resource: PolicyInput, config: PolicyPackConfig = {}, opts: RunOptions = {}): Promise<Violation[]> {
    const p = prepare(policy, config);
    const out: Violation[] = [];
    if (p) await runPrepared(p, resource, opts, out);
    return out;
}

/** Runs one stack policy on a set of resources; returns its violations. */
export async function validateStack(policy: StackValidationPolicy, resources: PolicyInput[], config: PolicyPackConfig = {}, opts: RunOptions = {}): Promise<Violation[]> {
    const level = enforcementLevelOf(policy, config);
    if (level === "disabled") return [];
    const out: Violation[] = [];
    const byUrn = new Map(resources.map(r => [urnOf(r), r]));
    const report = (message: string, urn?: string) => out.push({ policy: policy.name, enforcementLevel: level, message, resource: urn ? byUrn.get(urn) : undefined });
    const policyResources: PolicyResource[] = resources.map(r => ({
        type: r.type,
        name: r.name,
        urn: urnOf(r),
        props: propsFor(r.props, opts),
        opts: noOptions,
        dependencies: [],
        propertyDependencies: {},
        ...noTypeChecks,
    }));
    const args: StackValidationArgs = { resources: policyResources, stackTags: new Map(), getConfig: getConfigFun(policy, config), notApplicable };
    await guarded(policy, out, () => policy.validateStack(args, report));
    return out;
}

/** Runs every policy: resource policies on each resource, then stack policies on all of them. */
export async function runPolicies(policies: readonly AnyPolicy[], resources: PolicyInput[], config: PolicyPackConfig = {}, opts: RunOptions = {}): Promise<Violation[]> {
    const out: Violation[] = [];
    const prepared = policies.filter(isResourcePolicy).flatMap(p => prepare(p, config) ?? []);
    for (const resource of resources) {
        for (const p of prepared) {
            const pending = runPrepared(p, resource, opts, out);
            if (pending) await pending;
        }
    }
    for (const p of policies.filter(isStackPolicy)) {
        out.push(...(await validateStack(p, resources, config, opts)));
    }
    return out;
}
