"use strict";
/**
 * Defers modules @pulumi/pulumi loads at start-up but a program or policy pack that registers
 * resources never uses: the TypeScript compiler and npm's arborist (with pacote and sigstore), used
 * only to serialize functions (dynamic providers, callbacks), about 0.6 CPU-seconds before the first
 * resource is registered; and the SDK's Automation API (`pulumi.automation`: execa, the workspace
 * and the closure-serialization code paths it pulls in), 60-80 ms of the 0.45 CPU-s a policy pack
 * spends loading JavaScript (npm run bench, README). Each is replaced in require's cache by a stand-in
 * that loads the real module on first use, so a program that does use one still works.
 * Plain JavaScript, shipped with this package (like ensure-built.js) for the program's program.js,
 * which runs it before any TypeScript is loaded, and the policy pack's pack.js, where run-policy-pack
 * has already loaded TypeScript (ts-node), so only arborist is deferred there.
 */
const Module = require("module");
const path = require("path");

/** Puts a lazy stand-in for `request` (as @pulumi/pulumi resolves it) into require's cache. */
function defer(request, sdkDir) {
    let file;
    try {
        file = require.resolve(request, { paths: [sdkDir] });
    } catch {
        return; // not installed where the SDK looks: nothing to defer
    }
    if (require.cache[file]) {
        return; // already loaded: deferring now would give two copies
    }
    let real;
    const load = () => {
        if (real === undefined) {
            delete require.cache[file];
            real = require(file);
        }
        return real;
    };
    const standIn = new Module(file, module);
    standIn.filename = file;
    standIn.loaded = true;
    // `__esModule` answers without loading, so TypeScript's __importStar returns the stand-in as is.
    standIn.exports = new Proxy({}, {
        get: (_, key) => (key === "__esModule" ? true : load()[key]),
        has: (_, key) => key in load(),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_, key) => {
            const d = Reflect.getOwnPropertyDescriptor(load(), key);
            return d && { ...d, configurable: true };
        },
    });
    require.cache[file] = standIn;
}

/** Defers those modules as the @pulumi/pulumi installed beside `fromDir` resolves them. */
function deferSdkModules(fromDir) {
    let sdkDir;
    try {
        sdkDir = path.dirname(require.resolve("@pulumi/pulumi", { paths: [fromDir] }));
    } catch {
        return;
    }
    defer("typescript", sdkDir);
    defer("@npmcli/arborist", sdkDir);
    defer(path.join(sdkDir, "automation", "index.js"), sdkDir);
}

module.exports = { deferSdkModules };
