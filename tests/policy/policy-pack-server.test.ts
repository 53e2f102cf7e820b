/**
 * The pack as the Pulumi CLI runs it: `run-policy-pack` from the pack's own node_modules
 * loads policy/ (package.json main: pack.js, the compiled pack, rebuilt when stale) and
 * serves the Analyzer gRPC API. This test speaks that API like the engine does. The real
 * engine (`pulumi preview --policy-pack policy`) is exercised by the integration tests.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { AnalyzerSession, startAnalyzer } from "./analyzer";
import { fixture, REPO_ROOT } from "./support";

const POLICY_DIR = path.join(REPO_ROOT, "policy");

describe("policy pack served by run-policy-pack (gRPC, as the Pulumi CLI runs it)", function () {
    this.timeout(120000);
    let session: AnalyzerSession;
    let pb: any;
    let structpb: any;
    let fromPack: (m: string) => any;

    before(async function () {
        if (!fs.existsSync(path.join(POLICY_DIR, "node_modules", "@pulumi", "pulumi"))) {
            throw new Error("policy/node_modules is missing: run `npm ci` in policy/ (scripts/ensure-deps.js does it for npm test)");
        }
        session = await startAnalyzer(POLICY_DIR);
        ({ pb, structpb, fromPack } = session);
    });

    after(() => session?.close());

    const call = <T>(method: string, req: unknown) => session.call<T>(method, req);
    const analyze = (type: string, name: string, props: object) => session.analyze(type, name, props);

    it("reports the pack's policies, with the core three mandatory", async () => {
        const info = await call<any>("getAnalyzerInfo", new (fromPack("google-protobuf/google/protobuf/empty_pb.js").Empty)());
        expect(info.getName()).to.equal("vllm-kubernetes");
        const levels = Object.fromEntries(info.getPoliciesList().map((p: any) => [p.getName(), p.getEnforcementlevel()]));
        expect(Object.keys(levels)).to.include.members(["vllm-image-pinned", "vllm-tp-matches-gpus", "hpa-no-gpu-utilization", "servicemonitor-selects-service"]);
        for (const name of ["vllm-image-pinned", "vllm-tp-matches-gpus", "hpa-no-gpu-utilization"]) {
            expect(levels[name], name).to.equal(pb.EnforcementLevel.MANDATORY);
        }
    });

    it("flags a bad Deployment and a GPU-utilization HPA; passes the recipe", async () => {
        const [bad] = fixture("tp-flag-two-items-mismatch.yaml");
        bad.props.spec.template.spec.containers[0].image = "vllm/vllm-openai:latest";
        const res = await analyze("kubernetes:apps/v1:Deployment", "vllm", bad.props);
        const found = res.getDiagnosticsList().map((d: any) => `${d.getPolicyname()}:${d.getEnforcementlevel()}`);
        expect(found).to.have.members([`vllm-image-pinned:${pb.EnforcementLevel.MANDATORY}`, `vllm-tp-matches-gpus:${pb.EnforcementLevel.MANDATORY}`]);

        const [hpa] = fixture("hpa-dcgm-gpu-util.yaml");
        const hpaRes = await analyze("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "vllm", hpa.props);
        expect(hpaRes.getDiagnosticsList().map((d: any) => d.getMessage())).to.satisfy((ms: string[]) => ms.length === 1 && ms[0].includes("vllm:num_requests_waiting"));

        for (const r of fixture("recipe-pinned.yaml")) {
            expect((await analyze(r.type, r.name, r.props)).getDiagnosticsList(), r.type).to.deep.equal([]);
        }
    });

    it("applies policy config sent by the engine (requireDigest)", async () => {
        const req = new pb.ConfigureAnalyzerRequest();
        const cfg = new pb.PolicyConfig();
        cfg.setEnforcementlevel(pb.EnforcementLevel.MANDATORY);
        cfg.setProperties(structpb.Struct.fromJavaScript({ requireDigest: true }));
        req.getPolicyconfigMap().set("vllm-image-pinned", cfg);
        await call("configure", req);
        const [tagged] = fixture("image-registry-port-pinned.yaml");
        const res = await analyze(tagged.type, tagged.name, tagged.props);
        expect(res.getDiagnosticsList().map((d: any) => d.getMessage())).to.satisfy((ms: string[]) => ms.length === 1 && ms[0].includes("not pinned by digest"));
    });
});
