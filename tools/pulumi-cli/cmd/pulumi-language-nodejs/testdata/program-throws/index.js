// An unhandled error: @pulumi/pulumi reports it through the engine and exits 32. (Version 3.270.0
// then spends 30-50 s in GC and util.inspect before the process ends on this machine, measured
// with node --cpu-prof; that cost is the SDK's, and it makes this the slowest host test.)
throw new Error("boom from the host test program");
