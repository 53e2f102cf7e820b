// A plain JavaScript program: its exports become the stack's outputs, which the test's fake
// resource monitor records.
const pulumi = require("@pulumi/pulumi");

const config = new pulumi.Config();
module.exports = {
    greeting: config.require("greeting"),
    stack: pulumi.getStack(),
    project: pulumi.getProject(),
    dryRun: pulumi.runtime.isDryRun(),
    preloaded: globalThis.hostTestPreloaded || "no",
    typescript: process.env.PULUMI_NODEJS_TYPESCRIPT || "unset",
};
