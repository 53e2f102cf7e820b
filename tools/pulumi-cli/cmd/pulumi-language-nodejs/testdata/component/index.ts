import * as pulumi from "@pulumi/pulumi";

export interface GreeterArgs {
    /** Who to greet. */
    who: pulumi.Input<string>;
    /** Shout the greeting. */
    loud?: boolean;
}

/** A component the host test serves as a source-based component package. */
export class Greeter extends pulumi.ComponentResource {
    public readonly message: pulumi.Output<string>;

    constructor(name: string, args: GreeterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("greeter:index:Greeter", name, {}, opts);
        this.message = pulumi.output(args.who).apply((w) => (args.loud ? `HELLO ${w}` : `hello ${w}`));
        this.registerOutputs({ message: this.message });
    }
}
