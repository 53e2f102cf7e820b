/**
 * The project copy of the workspace the demo, the upgrade and the doctor share (.cache/demo): its
 * stack config is the stack's own once seeded. Found by the demo path's upgrade: every new PulumiWorkspace copied the
 * shipped Pulumi.dev.yaml back over it, dropping the demo's API key (the next `up` would have
 * replaced it with a random one) and an upgrade's new image.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { copyProgram } from "../../scripts/workspace-files";

describe("PulumiWorkspace's project copy (scripts/workspace-files.ts)", () => {
    let tmp: string;
    let program: string;
    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-workspace-"));
        program = path.join(tmp, "program");
        fs.mkdirSync(program);
        fs.writeFileSync(path.join(program, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
        fs.writeFileSync(path.join(program, "index.ts"), "export const v = 1;\n");
        fs.writeFileSync(path.join(program, "Pulumi.dev.yaml"), "config:\n  p:image: v1\n");
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("seeds the stack config from the program once, then keeps the stack's own values", () => {
        const project = path.join(tmp, "project");
        fs.mkdirSync(project);
        copyProgram(program, project);
        const stackFile = path.join(project, "Pulumi.dev.yaml");
        expect(fs.readFileSync(stackFile, "utf8")).to.equal("config:\n  p:image: v1\n");
        // What `pulumi config set` (the demo's apiKey, an upgrade's image) leaves in the copy.
        fs.writeFileSync(stackFile, "config:\n  p:image: v2\n  p:apiKey:\n    secure: abc\nencryptionsalt: v1:x\n");
        copyProgram(program, project);
        expect(fs.readFileSync(stackFile, "utf8")).to.contain("p:image: v2").and.contain("p:apiKey").and.contain("encryptionsalt: v1:x");
    });

    it("refreshes the program's code on every use", () => {
        const project = path.join(tmp, "project");
        fs.mkdirSync(project);
        copyProgram(program, project);
        fs.writeFileSync(path.join(program, "index.ts"), "export const v = 2;\n");
        copyProgram(program, project);
        expect(fs.readFileSync(path.join(project, "index.ts"), "utf8")).to.equal("export const v = 2;\n");
    });
});
