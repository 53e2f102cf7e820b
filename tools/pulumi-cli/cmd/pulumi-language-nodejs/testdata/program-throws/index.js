// An unhandled error: @pulumi/pulumi reports it through the engine and exits 32. The test runs it
// with the default typescript option (ts-node registered): with typescript: false, @pulumi/pulumi
// 3.270.0 spends 30-80 s in GC and util.inspect before exiting on this machine (node --cpu-prof),
// and a `pulumi preview` of a plain-JS program that throws takes as long; that cost is the SDK's.
throw new Error("boom from the host test program");
