/**
 * check-manifests: the policy pack on plain Kubernetes YAML that never went through Pulumi
 * (Helm output, kubectl manifests), through the same code path as the pack.
 *
 *   npm run --silent check-manifests -- [--policy-pack-config FILE.json] FILE...   ("-" reads stdin)
 *
 * Prints one line per violation: `<policy> <Kind/namespace/name> <message> [<level>]`.
 * All files together form one "stack" for the stack policies (ServiceMonitor -> Service).
 * Exit status: 0 no mandatory violation, 1 mandatory violations, 2 bad usage or unreadable/invalid input.
 */
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import type { PolicyPackConfig } from "@pulumi/policy";
import { kubeObject, objectRef, pulumiType } from "@vllm-pulumi/kube-parser";
import { policies } from "../policy/policies";
import { PolicyInput, runPolicies } from "../policy/runPolicies";

/** Input the tool cannot check: reported on stderr with exit status 2. */
class InputError extends Error {}

const USAGE = "usage: npm run --silent check-manifests -- [--policy-pack-config FILE.json] FILE... ('-' reads stdin)";

/** npm runs scripts from the package root; resolve paths against where the user typed them. */
function resolvePath(file: string): string {
    return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

function readText(file: string): string {
    try {
        return file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(resolvePath(file), "utf8");
    } catch (e) {
        throw new InputError(`${file}: cannot read: ${(e as Error).message}`);
    }
}

/** The Kubernetes objects of a multi-document YAML text (a `kind: List` is unpacked). */
export function parseManifests(text: string, source: string): PolicyInput[] {
    const docs = parseAllDocuments(text);
    const out: PolicyInput[] = [];
    (Array.isArray(docs) ? docs : []).forEach((doc, i) => {
        if (doc.errors.length > 0) {
            throw new InputError(`${source}: invalid YAML in document ${i + 1}: ${doc.errors[0].message}`);
        }
        const value = doc.toJS();
        if (value === null || value === undefined) return; // an empty document (`---` alone)
        const items = value?.kind === "List" && Array.isArray(value.items) ? value.items : [value];
        items.forEach((item: any, j: number) => {
            const obj = kubeObject(undefined, item);
            if (!obj) {
                throw new InputError(`${source}: document ${i + 1}${items.length > 1 ? ` item ${j + 1}` : ""} is not a Kubernetes object (it needs apiVersion and kind)`);
            }
            const type = pulumiType(item.apiVersion, item.kind);
            const name = typeof item.metadata?.name === "string" ? item.metadata.name : `${path.basename(source)}#${i + 1}`;
            out.push({ type, name, props: item, urn: `urn:pulumi:manifests::check-manifests::${type}::${source}#${i + 1}.${j + 1}` });
        });
    });
    return out;
}

function readConfig(file: string): PolicyPackConfig {
    const text = readText(file);
    try {
        const config = JSON.parse(text);
        if (!config || typeof config !== "object" || Array.isArray(config)) throw new Error("expected a JSON object");
        return config;
    } catch (e) {
        throw new InputError(`${file}: invalid policy pack config: ${(e as Error).message}`);
    }
}

/** `Kind/namespace/name` of the object a violation is about. */
function refOf(r: PolicyInput | undefined): string {
    const obj = r && kubeObject(r.type, r.props);
    return obj ? objectRef(obj, r!.name) : "stack";
}

async function main(argv: string[]): Promise<number> {
    const files: string[] = [];
    let config: PolicyPackConfig = {};
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--policy-pack-config" || argv[i] === "--config") {
            if (argv[i + 1] === undefined) throw new InputError(`${argv[i]} needs a file\n${USAGE}`);
            config = readConfig(argv[++i]);
        } else if (argv[i] === "-h" || argv[i] === "--help") {
            console.log(USAGE);
            return 0;
        } else {
            files.push(argv[i]);
        }
    }
    if (files.length === 0) throw new InputError(`no files given\n${USAGE}`);

    const resources = files.flatMap(f => parseManifests(readText(f), f));
    const violations = await runPolicies(policies, resources, config);
    for (const v of violations) {
        console.log(`${v.policy} ${refOf(v.resource)} ${v.message} [${v.enforcementLevel}]`);
    }
    const mandatory = violations.filter(v => v.enforcementLevel === "mandatory").length;
    console.error(`check-manifests: ${violations.length} violation(s), ${mandatory} mandatory, in ${resources.length} object(s) from ${files.length} file(s)`);
    return mandatory > 0 ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        code => process.exit(code),
        e => {
            console.error(e instanceof InputError ? `check-manifests: ${e.message}` : e);
            process.exit(2);
        },
    );
}
