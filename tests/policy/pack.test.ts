/**
 * The pack as a package: policy metadata, default levels, config schemas, the per-stack
 * config files, and the files the Pulumi CLI reads (PulumiPolicy.yaml, package.json, index.ts).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { policies } from "../../policy/policies";
import { enforcementLevelOf } from "../../policy/runPolicies";
import { REPO_ROOT } from "./support";

const POLICY_DIR = path.join(REPO_ROOT, "policy");
const read = (file: string) => fs.readFileSync(path.join(POLICY_DIR, file), "utf8");

describe("policy pack: metadata", () => {
    it("has unique names, a description and remediation steps for every policy", () => {
        const names = policies.map(p => p.name);
        expect(new Set(names).size).to.equal(names.length);
        for (const p of policies) {
            expect(p.name, p.name).to.match(/^[a-z0-9-]+$/);
            expect(p.description, p.name).to.have.length.greaterThan(20);
            expect(p.remediationSteps, p.name).to.have.length.greaterThan(20);
        }
    });

    it("makes the three core policies mandatory by default", () => {
        const level = (name: string) => enforcementLevelOf(policies.find(p => p.name === name)!);
        for (const name of ["vllm-image-pinned", "vllm-tp-matches-gpus", "hpa-no-gpu-utilization"]) {
            expect(level(name), name).to.equal("mandatory");
        }
    });

    it("gives every config option a type, a default and a description (enforcementLevel is the engine's)", () => {
        for (const p of policies) {
            for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
                expect(key, p.name).to.not.equal("enforcementLevel");
                expect(schema, `${p.name}.${key}`).to.include.keys("type", "default", "description");
            }
        }
    });

    it("ships per-stack config files that only name real policies, levels and options", () => {
        const levels = ["advisory", "mandatory", "remediate", "disabled"];
        for (const file of fs.readdirSync(path.join(POLICY_DIR, "config"))) {
            const config = JSON.parse(read(path.join("config", file)));
            for (const [name, value] of Object.entries<any>(config)) {
                const policy = policies.find(p => p.name === name);
                expect(policy, `${file}: ${name}`).to.not.equal(undefined);
                if (typeof value === "string") {
                    expect(levels, `${file}: ${name}`).to.include(value);
                    continue;
                }
                expect(levels, `${file}: ${name}`).to.include(value.enforcementLevel);
                const options = Object.keys(policy!.configSchema?.properties ?? {});
                expect(options, `${file}: ${name}`).to.include.members(Object.keys(value).filter(k => k !== "enforcementLevel"));
            }
        }
        expect(enforcementLevelOf(policies.find(p => p.name === "vllm-shm-size")!, JSON.parse(read("config/dev.json")))).to.equal("advisory");
        expect(enforcementLevelOf(policies.find(p => p.name === "vllm-shm-size")!, JSON.parse(read("config/prod.json")))).to.equal("mandatory");
    });
});

describe("policy pack: files the Pulumi CLI reads", () => {
    it("PulumiPolicy.yaml declares the nodejs runtime, started without ts-node (the pack ships compiled)", () => {
        expect(parse(read("PulumiPolicy.yaml")).runtime).to.deep.equal({ name: "nodejs", options: { typescript: false } });
        expect(JSON.parse(read("package.json")).main).to.equal("pack.js");
    });

    it("package.json has a version and pins @pulumi/policy, @pulumi/pulumi and TypeScript 5", () => {
        const pkg = JSON.parse(read("package.json"));
        expect(pkg.version).to.match(/^\d+\.\d+\.\d+$/);
        expect(pkg.dependencies).to.include({ "@pulumi/policy": "1.21.0", "@pulumi/pulumi": "3.270.0" });
        expect(pkg.devDependencies.typescript).to.match(/^\^?5\./);
        expect(JSON.parse(read("package-lock.json")).packages[""].dependencies).to.deep.equal(pkg.dependencies);
    });

    it("index.ts only constructs the PolicyPack from policies/ (the constructor starts a gRPC server)", () => {
        const code = read("index.ts").replace(/^\s*\/\/.*$/gm, "").trim();
        expect(code.split("\n").filter(l => l.trim())).to.deep.equal([
            'import { PolicyPack } from "@pulumi/policy";',
            'import { policies } from "./policies";',
            'new PolicyPack("vllm-kubernetes", { policies });',
        ]);
    });
});
