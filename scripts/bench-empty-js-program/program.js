"use strict";
// Intentionally empty: `pulumi preview` of this measures the engine and language host with no
// TypeScript loaded (the dev program runs compiled too). Linked into the bench's workspace copy.
