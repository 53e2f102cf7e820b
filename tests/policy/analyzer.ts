/**
 * A client of the Analyzer gRPC API that the Pulumi CLI speaks to a policy pack, with the pack
 * served from its own node_modules' @pulumi/pulumi the way this project's language host starts it.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface AnalyzerSession {
    /** The pack's generated protobuf modules (request and enum types). */
    pb: any;
    structpb: any;
    /** Resolves a module the way the pack itself would. */
    fromPack(module: string): any;
    call<T>(method: string, req: unknown): Promise<T>;
    analyze(type: string, name: string, props: object): Promise<any>;
    /** Stops the server (by its process) and closes the client. */
    close(): void;
}

/**
 * The launcher this project's language host runs for a pack whose PulumiPolicy.yaml says
 * `typescript: false` (run-policy-pack's run.js without ts-node); embedded in the host binary.
 */
export const COMPILED_PACK_LAUNCHER = path.join(__dirname, "..", "..", "tools", "pulumi-cli", "cmd", "pulumi-language-nodejs", "run-policy-pack-js.js");

/** The node command line the language host uses for the pack in `packDir` (per its PulumiPolicy.yaml). */
export function packCommand(packDir: string, engine: string): string[] {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    const runtime = parse(fs.readFileSync(path.join(packDir, "PulumiPolicy.yaml"), "utf8")).runtime;
    if (runtime?.options?.typescript === false) {
        return ["-e", fs.readFileSync(COMPILED_PACK_LAUNCHER, "utf8"), path.dirname(runner), engine, "."];
    }
    return [runner, engine, "."];
}

/** Starts the pack in `packDir` as the language host does, on a free port of 127.0.0.1. */
export async function startAnalyzer(packDir: string): Promise<AnalyzerSession> {
    const fromPack = (m: string) => require(require.resolve(m, { paths: [packDir] }));
    const server: ChildProcess = spawn(process.execPath, packCommand(packDir, "127.0.0.1:0"), { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    server.stderr!.on("data", d => (stderr += d));
    try {
        const port = await new Promise<string>((resolve, reject) => {
            let out = "";
            server.stdout!.on("data", d => {
                out += d;
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) resolve(m[1]);
            });
            server.on("exit", code => reject(new Error(`run-policy-pack exited with ${code}:\n${stderr}`)));
        });
        const grpc = fromPack("@grpc/grpc-js");
        const services = fromPack("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
        const pb = fromPack("@pulumi/pulumi/proto/analyzer_pb.js");
        const structpb = fromPack("google-protobuf/google/protobuf/struct_pb.js");
        const client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const call = <T>(method: string, req: unknown) =>
            new Promise<T>((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
        const analyze = (type: string, name: string, props: object) => {
            const req = new pb.AnalyzeRequest();
            req.setType(type);
            req.setName(name);
            req.setUrn(`urn:pulumi:dev::vllm-pulumi::${type}::${name}`);
            req.setProperties(structpb.Struct.fromJavaScript(JSON.parse(JSON.stringify(props))));
            req.setOptions(new pb.AnalyzerResourceOptions());
            return call<any>("analyze", req);
        };
        const close = () => {
            client.close();
            server.kill();
        };
        return { pb, structpb, fromPack, call, analyze, close };
    } catch (e) {
        server.kill();
        throw e;
    }
}
