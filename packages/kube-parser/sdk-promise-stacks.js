"use strict";
/**
 * The Pulumi SDK takes `new Error().stack` for every promise it creates (runtime/debuggable.js,
 * kept only to name a promise that is still pending when the program exits). In a program run by
 * the language host, source-map-support formats each of those stacks, mapping every frame through
 * the source maps: about a fifth of a program's CPU, growing with every resource it registers
 * (npm run bench, README). This formats those bookkeeping stacks the way V8 does without source
 * maps, so they name the compiled .js line instead of the .ts one; every other stack (errors,
 * the source position the SDK sends with each resource) stays source-mapped.
 * Call it from the program's entry point: the language host has already registered source-map-support.
 * Tests under the SDK's mocks pass `{ resourcePositions: true }`: there nothing reads a resource's
 * source position, and mapping those deep stacks (Resource.stackTrace) was most of their mapping cost.
 */
const DEBUGGABLE = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/;
const RESOURCE = /[\\/]@pulumi[\\/]pulumi[\\/]resource\.js$/;
const PLAIN = Symbol.for("vllm-pulumi.plainSdkPromiseStacks");

function plainSdkPromiseStacks(options = {}) {
    const plainFrom = (file) => DEBUGGABLE.test(file) || (options.resourcePositions === true && RESOURCE.test(file));
    const mapped = Error.prepareStackTrace;
    if (typeof mapped !== "function" || mapped[PLAIN]) {
        return; // nothing maps stacks (V8's own format is already plain), or already done
    }
    const prepare = (error, frames) => {
        const takenBy = frames.length > 0 ? frames[0].getFileName() : undefined;
        if (error instanceof Error && error.message === "" && typeof takenBy === "string" && plainFrom(takenBy)) {
            return [String(error), ...frames.map((f) => `    at ${f}`)].join("\n");
        }
        return mapped(error, frames);
    };
    prepare[PLAIN] = true;
    Error.prepareStackTrace = prepare;
}

module.exports = { plainSdkPromiseStacks };
