/**
 * TCP relays between the user's shell and the environment's network namespace. File paths are
 * shared across network namespaces, so a Unix socket is the bridge: inside, `unix:S -> tcp:127.0.0.1:P`;
 * on the host, `tcp:127.0.0.1:H -> unix:S`. Run as a process:
 *
 *   node relay.js --map LISTEN=TARGET [--map ...]      (LISTEN/TARGET: tcp:HOST:PORT or unix:PATH)
 */
import * as fs from "fs";
import * as net from "net";
import { parseArgs } from "node:util";

export type Address = { kind: "tcp"; host: string; port: number } | { kind: "unix"; path: string };

export function parseAddress(s: string): Address {
    if (s.startsWith("unix:") && s.length > 5) return { kind: "unix", path: s.slice(5) };
    const m = /^tcp:([0-9.]+):(\d{1,5})$/.exec(s);
    if (m && Number(m[2]) > 0 && Number(m[2]) < 65536) return { kind: "tcp", host: m[1], port: Number(m[2]) };
    throw new Error(`not a relay address (tcp:HOST:PORT or unix:PATH): ${JSON.stringify(s)}`);
}

export function formatAddress(a: Address): string {
    return a.kind === "unix" ? `unix:${a.path}` : `tcp:${a.host}:${a.port}`;
}

function connect(to: Address): net.Socket {
    return to.kind === "unix" ? net.connect(to.path) : net.connect(to.port, to.host);
}

/** Listens on `from` and pipes every connection to `to`, both ways. */
export function relay(from: Address, to: Address): Promise<net.Server> {
    const server = net.createServer((client) => {
        const upstream = connect(to);
        client.pipe(upstream).pipe(client);
        const close = () => {
            client.destroy();
            upstream.destroy();
        };
        client.on("error", close);
        upstream.on("error", close);
    });
    if (from.kind === "unix") fs.rmSync(from.path, { force: true });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        const onListening = () => resolve(server);
        if (from.kind === "unix") server.listen(from.path, onListening);
        else server.listen(from.port, from.host, onListening);
    });
}

async function main(argv: string[]): Promise<void> {
    const { values } = parseArgs({ args: argv, options: { map: { type: "string", multiple: true } }, strict: true });
    const maps = (values.map ?? []).map((m) => {
        const [from, to] = m.split("=");
        if (!from || !to) throw new Error(`--map wants LISTEN=TARGET, got ${JSON.stringify(m)}`);
        return [parseAddress(from), parseAddress(to)] as const;
    });
    if (maps.length === 0) throw new Error("relay: give at least one --map LISTEN=TARGET");
    for (const [from, to] of maps) {
        await relay(from, to);
        console.log(`relay: ${formatAddress(from)} -> ${formatAddress(to)}`);
    }
    process.on("SIGTERM", () => process.exit(0));
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e) => {
        console.error(`relay: ${(e as Error).message}`);
        process.exit(2);
    });
}
