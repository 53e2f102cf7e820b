"use strict";
// The pack's entry point (package.json main) as the Pulumi CLI loads it: the compiled index.ts,
// rebuilt first when a source is newer. A published copy ships only bin/ and is taken as built.
require("./build").ensurePackBuilt();
require("./bin/index.js");
