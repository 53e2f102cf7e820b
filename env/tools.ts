/**
 * Executables of the pinned toolchain (tools/): found in the given bin dirs, then PATH, or built by
 * tools/ensure-toolchain.sh into its hash-keyed cache. One lookup for the control plane, the
 * monitoring stack and anything added later.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./repo";

export function isExecutable(p: string): boolean {
    try {
        fs.accessSync(p, fs.constants.X_OK);
        return fs.statSync(p).isFile();
    } catch {
        return false;
    }
}

/** binDirs first, then PATH. */
export function searchDirs(binDirs: string[] | undefined): string[] {
    const fromPath = (process.env.PATH ?? "").split(path.delimiter).filter((d) => d !== "");
    return [...(binDirs ?? []), ...fromPath];
}

/** Absolute path of `name`, or an error saying which tools/ component builds it. */
export function findExecutable(name: string, binDirs: string[] | undefined, component: string): string {
    const hit = searchDirs(binDirs)
        .map((d) => path.join(d, name))
        .find(isExecutable);
    if (!hit) {
        throw new Error(
            `${name} not found (searched ${binDirs?.length ? "binDirs, then " : ""}PATH); ` +
                `build it with tools/ensure-toolchain.sh ${component} and pass its bin dir`,
        );
    }
    return path.resolve(hit);
}

/**
 * Bin dirs in which `present` finds everything: `binDirs` when it already does, else the dirs
 * `tools/ensure-toolchain.sh COMPONENTS` prints after building what is missing (progress on stderr).
 */
export function ensureTools(components: readonly string[], present: (dirs: string[]) => void, binDirs: string[] = []): string[] {
    try {
        present(binDirs);
        return binDirs;
    } catch {
        /* build below */
    }
    const out = execFileSync("bash", [path.join(REPO_ROOT, "tools", "ensure-toolchain.sh"), ...components], {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "inherit"],
        encoding: "utf8",
    });
    const built = (out.trim().split("\n").pop() ?? "").split(path.delimiter).filter((d) => d !== "");
    const dirs = [...built, ...binDirs];
    present(dirs);
    return dirs;
}
