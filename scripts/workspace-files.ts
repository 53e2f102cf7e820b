/**
 * The project copy a PulumiWorkspace runs in: the program's code, refreshed on every use, and its
 * stack files, seeded once (then the stack's own). Pure file work, no Pulumi.
 */
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../env/repo";

/** Files of a program, copied on every use; `components` and `node_modules` are linked, not copied. */
export const PROGRAM_FILES = ["index.ts", "stackConfig.ts", "Pulumi.yaml", "package.json", "tsconfig.json"];
/**
 * Stack config files, copied only into a workspace that has none yet: from then on they are the
 * stack's own (`pulumi config set`, the demo's API key, `npm run upgrade`'s new image), and a later
 * command must not put the shipped values back over them.
 */
export const STACK_FILES = ["Pulumi.dev.yaml", "Pulumi.prod.yaml"];

/** Copies (or links) `from`'s program into `projectDir`. */
export function copyProgram(from: string, projectDir: string): void {
    for (const f of [...PROGRAM_FILES, ...STACK_FILES]) {
        const src = path.join(from, f);
        const dst = path.join(projectDir, f);
        if (!fs.existsSync(src) || (STACK_FILES.includes(f) && fs.existsSync(dst))) {
            continue;
        }
        fs.copyFileSync(src, dst);
    }
    // A program folder without its own components/node_modules (test programs) uses the repo's.
    for (const link of ["components", "node_modules"]) {
        const own = path.join(from, link);
        const dst = path.join(projectDir, link);
        if (!fs.existsSync(dst)) {
            fs.symlinkSync(fs.existsSync(own) ? own : path.join(REPO_ROOT, link), dst);
        }
    }
    // The repo's program runs compiled: package.json main is program.js, which builds bin/
    // beside itself when a source is newer. Linked, so every copy shares the repo's one build.
    const entry = path.join(from, "program.js");
    if (fs.existsSync(entry) && !fs.existsSync(path.join(projectDir, "program.js"))) {
        fs.symlinkSync(entry, path.join(projectDir, "program.js"));
    }
}
