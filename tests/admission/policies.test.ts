/**
 * The admission guardrails as objects (components/admission): the committed YAML is what the generator
 * writes, options map to policies and bindings as documented, bad options are refused by name,
 * and the CEL's regular expressions agree with the pack's parser on the names and images they judge.
 */
import { expect } from "chai";
import * as fs from "fs";
import { parseAllDocuments } from "yaml";
import { FLOATING_TAGS, gpuUtilizationIn, IMAGE_PLACEHOLDER_PART, imagePlaceholder, parseImageReference, REFERENCE_PATTERN } from "@vllm-pulumi/kube-parser";
import { guardrailObjects, GuardrailOptionsError, RULE_IDS, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from "../../components/admission";
import { GPU_UTILIZATION_RE2 } from "../../components/admission/cel/autoscaling";
import { committedGuardrailsYaml, enforcementFromPackConfigFile, GUARDRAILS_YAML, PROD_PACK_CONFIG } from "../../scripts/admission-yaml";

const bindings = (objs: ReturnType<typeof guardrailObjects>) => objs.filter((o): o is ValidatingAdmissionPolicyBinding => o.kind === "ValidatingAdmissionPolicyBinding");
const policies = (objs: ReturnType<typeof guardrailObjects>) => objs.filter((o): o is ValidatingAdmissionPolicy => o.kind === "ValidatingAdmissionPolicy");

describe("admission guardrails: objects and YAML", () => {
    it("the committed admission/vllm-guardrails.yaml is what `npm run admission:yaml` writes", () => {
        expect(fs.readFileSync(GUARDRAILS_YAML, "utf8") === committedGuardrailsYaml(), "admission/vllm-guardrails.yaml is stale: run npm run admission:yaml").to.equal(true);
    });

    it("the YAML holds one policy and one binding per rule, at the prod config's levels", () => {
        const docs = parseAllDocuments(fs.readFileSync(GUARDRAILS_YAML, "utf8")).map(d => d.toJS());
        expect(docs.map(d => `${d.kind}/${d.metadata.name}`)).to.deep.equal(RULE_IDS.flatMap(id => [`ValidatingAdmissionPolicy/${id}`, `ValidatingAdmissionPolicyBinding/${id}`]));
        const levels = enforcementFromPackConfigFile(PROD_PACK_CONFIG);
        for (const b of docs.filter(d => d.kind === "ValidatingAdmissionPolicyBinding")) {
            expect(b.spec.validationActions, b.metadata.name).to.deep.equal(levels[b.metadata.name as keyof typeof levels] === "mandatory" ? ["Deny"] : ["Warn", "Audit"]);
        }
    });

    it("maps the pack's levels to binding actions: mandatory denies, advisory warns and audits, disabled installs nothing", () => {
        const objs = guardrailObjects({ enforcement: { "vllm-shm-size": "advisory", "hpa-no-gpu-utilization": "disabled" } });
        expect(policies(objs).map(p => p.metadata.name)).to.deep.equal(["vllm-image-pinned", "vllm-tp-matches-gpus", "vllm-shm-size"]);
        expect(Object.fromEntries(bindings(objs).map(b => [b.metadata.name, b.spec.validationActions]))).to.deep.equal({
            "vllm-image-pinned": ["Deny"],
            "vllm-tp-matches-gpus": ["Deny"],
            "vllm-shm-size": ["Warn", "Audit"],
        });
    });

    it("the pack's dev config makes vllm-shm-size advisory, as in the pack", () => {
        expect(enforcementFromPackConfigFile(PROD_PACK_CONFIG.replace("prod.json", "dev.json"))).to.deep.equal({
            "vllm-image-pinned": "mandatory",
            "vllm-tp-matches-gpus": "mandatory",
            "hpa-no-gpu-utilization": "mandatory",
            "vllm-shm-size": "advisory",
        });
    });

    it("installs only the chosen rules and scopes every binding to the namespace selector", () => {
        const selector = { matchLabels: { "vllm-guardrails": "on" } };
        const objs = guardrailObjects({ rules: ["vllm-tp-matches-gpus"], namespaceSelector: selector });
        expect(objs.map(o => o.kind)).to.deep.equal(["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"]);
        expect(bindings(objs)[0].spec).to.deep.equal({ policyName: "vllm-tp-matches-gpus", validationActions: ["Deny"], matchResources: { namespaceSelector: selector } });
        expect(bindings(guardrailObjects({}))[0].spec).to.not.have.property("matchResources");
    });

    it("bakes requireDigest and minShmSize into the CEL", () => {
        const image = (o: object) => JSON.stringify(policies(guardrailObjects(o))[0].spec.variables);
        expect(image({ requireDigest: true })).to.include("is not pinned by digest (@sha256:...), which this stack requires");
        expect(image({})).to.not.include("which this stack requires");
        const shm = JSON.stringify(policies(guardrailObjects({ rules: ["vllm-shm-size"], minShmSize: "4096Mi" }))[0].spec.variables);
        expect(shm).to.include("below the minimum ' + \\\"4Gi\\\"");
    });

    it("refuses bad options naming every key, before building anything", () => {
        const bad = { rules: ["vllm-image-pinned", "no-such-rule"], enforcement: { "vllm-shm-size": "strict", nope: "advisory" }, minShmSize: "lots", requireDigest: "yes" };
        try {
            guardrailObjects(bad as never);
            expect.fail("accepted bad options");
        } catch (e) {
            expect(e).to.be.instanceOf(GuardrailOptionsError);
            const problems = (e as GuardrailOptionsError).problems;
            expect(problems).to.have.length(5);
            expect(problems.join("\n")).to.match(/^rules\[1\]: "no-such-rule"/m).and.match(/^enforcement\.vllm-shm-size: "strict"/m).and.match(/^enforcement: "nope"/m).and.match(/^minShmSize: "lots"/m).and.match(/^requireDigest:/m);
        }
        expect(() => guardrailObjects({ minShmSize: "x".repeat(1_000_000) })).to.throw(GuardrailOptionsError, /minShmSize: "x{80}"/);
    });
});

describe("admission guardrails: CEL patterns agree with the pack's parser", () => {
    it("GPU-utilization names: the one RE2 pattern finds what gpuUtilizationIn finds, identifier included", () => {
        const re = new RegExp(GPU_UTILIZATION_RE2.replace(/^\(\?i\)/, ""), "i");
        const names = [
            "DCGM_FI_DEV_GPU_UTIL", "avg(DCGM_FI_DEV_GPU_UTIL{pod=~\"vllm.*\"})", "DCGM_FI_DEV_MEM_COPY_UTIL", "DCGM_FI_PROF_SM_ACTIVE",
            "nvidia_gpu_duty_cycle", "kubernetes.io|container|accelerator|duty_cycle", "gpu_utilization", "GPUUtilization", "nvidia_smi_utilization_gpu_ratio",
            "amd_gpu_busy_percent", "gpu_gfx_activity", "vllm:num_requests_waiting", "vllm:gpu_cache_usage_perc", "vllm:kv_cache_usage_perc", "DCGM_FI_DEV_FB_USED", "cpu",
        ];
        for (const name of names) {
            expect(re.exec(name)?.[0], name).to.equal(gpuUtilizationIn(name));
        }
    });

    it("image placeholders: the RE2 part pattern finds what imagePlaceholder finds", () => {
        const part = new RegExp(IMAGE_PLACEHOLDER_PART);
        // The CEL's steps (components/admission/cel/image.ts PLACEHOLDER), in JavaScript.
        const celPlaceholder = (image: string): string | undefined => {
            if (/[${}]/.test(image) || image.length > 1000) return undefined;
            if (part.test(image)) return image;
            const name = image.split("@")[0];
            const hasTag = name.lastIndexOf(":") > name.lastIndexOf("/");
            const tag = name.slice(name.lastIndexOf(":") + 1);
            const path = hasTag ? name.slice(0, name.lastIndexOf(":")) : name;
            return [...path.split("/"), ...(hasTag && !FLOATING_TAGS.includes(tag.toLowerCase()) ? [tag] : [])].find(p => part.test(p));
        };
        const images = ["IMAGE_NAME", "REPLACE_MODEL_SERVER_IMAGE", "vllm/vllm-openai:<pinned-tag>", "registry/REPO:v1", "vllm/vllm-openai:LATEST", "vllm/vllm-openai:TAG", "replace-me", "your-registry/vllm:1", "vllm/vllm-openai:v0.11.0", "${IMAGE}", "localhost:5000/todo/vllm:1"];
        for (const image of images) expect(celPlaceholder(image), image).to.equal(imagePlaceholder(image));
    });

    it("image references: the RE2 grammar accepts exactly what parseImageReference accepts", () => {
        const images = [
            "vllm/vllm-openai:v0.11.0", "vllm/vllm-openai", "registry.local:5000/vllm/vllm-openai", "registry.local:5000/vllm/vllm-openai:v1", "localhost/vllm:1",
            `vllm/vllm-openai@sha256:${"a".repeat(64)}`, `vllm/vllm-openai:v1@sha256:${"a".repeat(64)}`, "vllm/vllm-openai@sha256:0123abcd", "Vllm/vllm-openai:v1",
            "vllm/vllm-openai:<pinned-tag>", "vllm/vllm-openai:", "[::1]:5000/vllm:1", "a--b/c__d:x", "a---b", `vllm@sha256:${"a".repeat(40)}`, `vllm@md5:${"a".repeat(32)}`, "-a/b", "vllm/vllm-openai:v0.11.0 ",
        ];
        const re = new RegExp(REFERENCE_PATTERN);
        for (const image of images) {
            const r = parseImageReference(image);
            // The digest's algorithm and length are checked after the grammar matched (digestProblem).
            const grammarOk = r.ok || /has a (malformed digest \(|digest with an unsupported)/.test(r.problem);
            expect(re.test(image), image).to.equal(grammarOk);
        }
    });
});
