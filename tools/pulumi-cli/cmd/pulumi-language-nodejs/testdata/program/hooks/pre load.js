// Loaded with `node --require` from the nodeargs runtime option; the space in the file name
// checks that nodeargs is split like a shell does, not at every space.
globalThis.hostTestPreloaded = "yes";
if (process.env.HOST_TEST_PRELOAD_MARKER) {
    require("fs").writeFileSync(process.env.HOST_TEST_PRELOAD_MARKER, "loaded");
}
