/**
 * Loaded by mocha after ts-node (.mocharc.json). The Pulumi SDK takes `new Error().stack` for every
 * promise it creates (runtime/debuggable.js) and every resource (Resource.stackTrace); under ts-node
 * each of those stacks is source-mapped frame by frame, about an eighth of the unit tests' CPU. Those
 * stacks are the SDK's own bookkeeping (printed only for leaked promises), so they keep the plain
 * frames; every other error, including each failing assertion, is still source-mapped.
 */
const sourceMapped = Error.prepareStackTrace;
const SDK_FILE = /[\\/]node_modules[\\/]@pulumi[\\/]pulumi[\\/]/;

if (sourceMapped) {
    Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
        const takenBy = frames[0]?.getFileName();
        if (error.message === "" && takenBy !== null && takenBy !== undefined && SDK_FILE.test(takenBy)) {
            return [String(error), ...frames.map((f) => `    at ${f}`)].join("\n");
        }
        return sourceMapped(error, frames);
    };
}
