/**
 * The admission guardrails on a real kube-apiserver (v1.36 from the toolchain): every fixture
 * under tests/fixtures, and the objects of ./cases.ts, applied with `kubectl apply --dry-run=server`
 * get the same verdict per rule (deny / warn / allow) and the same message from the
 * ValidatingAdmissionPolicies as from check-manifests' policies, except the commented list of
 * what CEL cannot see (./parity.ts CEL_CANNOT_SEE). Then the bindings at the pack's dev levels:
 * mandatory rules deny, an advisory rule warns and admits.
 *
 * One control plane for the file. Pass 1 binds every policy with Warn, so the API server reports
 * every failing policy (a denial reports only the first); pass 2 re-applies what was flagged with
 * the real levels.
 */
import { expect } from "chai";
import * as path from "path";
import { EnforcementLevel, guardrailObjects, RULE_IDS, RuleId } from "../../components/admission";
import { enforcementFromPackConfigFile } from "../../scripts/admission-yaml";
import { ClusterInfo, clusterStatus, ensureClusterToolchain, registerCleanup, startCluster, stopCluster } from "../../env/cluster";
import { REPO_ROOT } from "../../env/repo";
import { builtCases, PROBES } from "./cases";
import { dryRunApply, DryRunOutcome, Kubectl, kubectlFor } from "./dryRun";
import { admissionVerdicts, CEL_CANNOT_SEE, expectedAdmissionMessage, fixtureCases, ObjectCase, packVerdicts, Verdicts } from "./parity";
import { STAND_IN_CRDS } from "./standInCrds";

const STATE_DIR = path.join(REPO_ROOT, ".cache", "cluster-itest-admission");
const DEV_CONFIG = path.join(REPO_ROOT, "policy", "config", "dev.json");
const ALL_WARN = Object.fromEntries(RULE_IDS.map(id => [id, "advisory"])) as Record<RuleId, EnforcementLevel>;

/** Runs fn over items, `width` at a time (kubectl is a process per call; the machine has 2 cores). */
async function pool<T, R>(items: T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
    const out: R[] = new Array(items.length);
    let next = 0;
    await Promise.all(Array.from({ length: width }, async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i]);
        }
    }));
    return out;
}

async function kubectlOk(kubectl: Kubectl, args: string[], input?: string): Promise<string> {
    const r = await kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
}

/** Applies the guardrails at the levels and waits until each policy's probe gets the level's verdict. */
async function applyGuardrails(kubectl: Kubectl, levels: Record<RuleId, EnforcementLevel>): Promise<number> {
    const t0 = Date.now();
    await kubectlOk(kubectl, ["apply", "--server-side", "--force-conflicts", "--field-manager=admission-test", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: guardrailObjects({ enforcement: levels }) }));
    for (const id of RULE_IDS) {
        const inForce = (o: DryRunOutcome) => (levels[id] === "mandatory" ? o.denied?.policy === id : o.admitted && o.warnings.some(w => w.policy === id));
        const deadline = Date.now() + 30_000;
        for (let last = await dryRunApply(kubectl, PROBES[id]); !inForce(last); last = await dryRunApply(kubectl, PROBES[id])) {
            if (Date.now() > deadline) throw new Error(`${id} not in force after 30 s: ${JSON.stringify(last)}`);
            await new Promise(r => setTimeout(r, 250));
        }
    }
    return Date.now() - t0;
}

describe("admission guardrails on the local API server @integration", function () {
    let cluster: ClusterInfo | undefined;
    let kubectl: Kubectl;
    const { cases: fixtures, unreadable } = fixtureCases();
    const cases: ObjectCase[] = [...fixtures, ...builtCases()];
    const devLevels = enforcementFromPackConfigFile(DEV_CONFIG);
    const devConfig = require(DEV_CONFIG);
    const pass1 = new Map<ObjectCase, DryRunOutcome>();

    before(async function () {
        this.timeout(90 * 60_000); // a cold toolchain build takes tens of minutes on 2 cores
        const binDirs = ensureClusterToolchain();
        registerCleanup();
        cluster = await startCluster({ binDirs, stateDir: STATE_DIR, reuse: false, timeoutMs: 90_000 });
        console.log(`      measured: control plane started in ${(cluster.startMs / 1000).toFixed(1)}s`);
        kubectl = kubectlFor(cluster.kubectl, cluster.kubeconfig);
        await kubectlOk(kubectl, ["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: STAND_IN_CRDS }));
        await kubectlOk(kubectl, ["wait", "--for=condition=Established", "--timeout=60s", ...STAND_IN_CRDS.map(c => `crd/${c.metadata.name}`)]);
        const namespaces = [...new Set(cases.map(c => c.input.props.metadata?.namespace).filter((n): n is string => typeof n === "string" && /^[a-z0-9-]+$/.test(n)))];
        await kubectlOk(kubectl, ["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: namespaces.map(name => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })) }));
    });

    after(async function () {
        this.timeout(60_000);
        if ((await clusterStatus({ stateDir: STATE_DIR })).components.length > 0) await stopCluster({ stateDir: STATE_DIR });
    });

    it("the API server accepts the generated policies and each is in force within seconds", async function () {
        this.timeout(120_000);
        const ms = await applyGuardrails(kubectl, ALL_WARN);
        console.log(`      measured: policies applied and in force (probe per rule) in ${(ms / 1000).toFixed(1)}s`);
        const typeChecking = await kubectlOk(kubectl, ["get", "validatingadmissionpolicies", "-o", "jsonpath={range .items[*]}{.metadata.name}={.status.typeChecking}{\"\\n\"}{end}"]);
        console.log(`      type checking: ${typeChecking.trim().split("\n").join("; ")}`);
    });

    it("every fixture and built case gets the same verdict per rule, and the same message, as from check-manifests", async function () {
        this.timeout(20 * 60_000);
        const t0 = Date.now();
        const outcomes = await pool(cases, 3, c => dryRunApply(kubectl, c.input.props));
        console.log(`      measured: ${cases.length} objects from ${new Set(cases.map(c => c.source)).size} sources dry-run applied in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
        const differences: string[] = [];
        const excused = new Set<(typeof CEL_CANNOT_SEE)[number]>();
        for (const [i, c] of cases.entries()) {
            const outcome = outcomes[i];
            pass1.set(c, outcome);
            const pack = await packVerdicts(c, devConfig);
            const admission: Verdicts | undefined = outcome.error ? undefined : admissionVerdicts([...outcome.warnings, ...(outcome.denied ? [outcome.denied] : [])], devLevels);
            for (const id of RULE_IDS) {
                const got = admission ? admission[id].verdict : `refused: ${outcome.error}`;
                let diff: string | undefined;
                if (got !== pack[id].verdict) diff = `${id}: check-manifests ${pack[id].verdict}, admission ${got}`;
                else if (admission && got !== "allow" && admission[id].messages[0] !== expectedAdmissionMessage(pack[id].messages)) {
                    diff = `${id}: messages differ:\n        check-manifests: ${expectedAdmissionMessage(pack[id].messages)}\n        admission:       ${admission[id].messages[0]}`;
                }
                if (!diff) continue;
                const exception = CEL_CANNOT_SEE.find(e => e.source === c.source && (e.rule === "*" || e.rule === id));
                if (exception) excused.add(exception);
                else differences.push(`${c.source} ${c.ref} ${diff}`);
            }
        }
        const stale = CEL_CANNOT_SEE.filter(e => !excused.has(e) && !unreadable.some(u => u.source === e.source));
        console.log(`      measured: ${cases.length * RULE_IDS.length} object x rule verdicts compared, ${excused.size} listed exceptions used, ${unreadable.length} files not Kubernetes objects`);
        if (differences.length) console.log(`      differences:\n        ${differences.join("\n        ")}`);
        expect(differences, `admission differs from check-manifests:\n  ${differences.join("\n  ")}`).to.deep.equal([]);
        expect(stale.map(e => `${e.source} ${e.rule}`), "exceptions that no longer differ (remove them)").to.deep.equal([]);
    });

    it("at the dev config's levels a mandatory rule denies (naming the policy) and an advisory one warns and admits", async function () {
        this.timeout(10 * 60_000);
        const ms = await applyGuardrails(kubectl, devLevels);
        console.log(`      measured: bindings switched to the dev levels and in force in ${(ms / 1000).toFixed(1)}s`);
        const flagged = cases.filter(c => pass1.get(c) && !pass1.get(c)!.error && pass1.get(c)!.warnings.length > 0);
        expect(flagged.length, "pass 1 flagged objects").to.be.greaterThan(20);
        const outcomes = await pool(flagged, 3, c => dryRunApply(kubectl, c.input.props));
        for (const [i, c] of flagged.entries()) {
            const rules = pass1.get(c)!.warnings.map(w => w.policy as RuleId);
            const denying = rules.filter(id => devLevels[id] === "mandatory");
            const o = outcomes[i];
            if (denying.length > 0) {
                expect(o.admitted, `${c.source} ${c.ref} is denied`).to.equal(false);
                expect(denying, `${c.source} ${c.ref}: denied by a mandatory rule it breaks`).to.include(o.denied?.policy);
                expect(o.denied!.message).to.equal(pass1.get(c)!.warnings.find(w => w.policy === o.denied!.policy)!.message);
            } else {
                expect(o.admitted, `${c.source} ${c.ref} (advisory only) is admitted: ${o.error ?? ""}`).to.equal(true);
                expect(o.warnings.map(w => w.policy).sort()).to.deep.equal([...rules].sort());
            }
        }
        // The advisory probe explicitly: admitted, with the pack's message as a warning.
        const shm = await dryRunApply(kubectl, PROBES["vllm-shm-size"]);
        expect(shm.admitted).to.equal(true);
        expect(shm.warnings).to.deep.equal([{ policy: "vllm-shm-size", message: 'container "vllm" runs 2 GPU workers (tensor-parallel 2) but mounts nothing at /dev/shm (the container runtime\'s default is 64Mi). Mount an emptyDir { medium: Memory, sizeLimit: 16Gi } at /dev/shm.' }]);
    });
});
