// One mandatory policy; the message names the stack the proxy configured, so the test also
// checks that the stack identity reached the pack, and whether ts-node was registered (it owns
// require.extensions[".ts"]), so the test sees how the host started the pack.
const pulumi = require("@pulumi/pulumi");
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("host-test-pack", {
    policies: [{
        name: "no-greeting-hello",
        description: "A greeting must not be 'hello'.",
        enforcementLevel: "mandatory",
        validateResource: (args, reportViolation) => {
            if (args.props.greeting === "hello") {
                const tsNode = ".ts" in require.extensions ? "on" : "off";
                reportViolation(`greeting must not be 'hello' (stack ${pulumi.getStack()}, ts-node ${tsNode})`);
            }
        },
    }],
});
