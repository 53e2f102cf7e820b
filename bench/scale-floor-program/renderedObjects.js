// @ts-check
"use strict";
/**
 * The objects one VllmService renders with the scale program's settings, built once per process by
 * the component's own builders (scripts/bench-scale-program/instance.js, as the scale program's) and handed out per
 * instance with that instance's name and namespace in each object's metadata. Only metadata is
 * changed, so every instance registers objects of the same size and shape as a VllmService's.
 */
const path = require("path");
const repo = path.join(__dirname, "..", "..");
const { renderInstance } = require(path.join(repo, "scripts", "bench-scale-program", "instance"));

/** @type {Record<string, any> | undefined} */
let once;

function renderOnce() {
    require(path.join(repo, "program-build")).ensureProgramBuilt();
    return renderInstance(0, "");
}

/** One instance's copy: the rendered objects with `name` and `namespace` in their metadata. */
function renderedObjects(/** @type {string} */ name, /** @type {string} */ namespace) {
    once ??= renderOnce();
    /** @type {Record<string, any>} */
    const out = {};
    for (const [key, obj] of Object.entries(once)) {
        const objName = String(obj.metadata.name).replace(/^vllm-0/, name);
        out[key] = { ...obj, metadata: { ...obj.metadata, name: objName, namespace } };
    }
    return out;
}

module.exports = { renderedObjects };
