/** Free TCP ports, the one place that asks the kernel for them. */
import * as net from "net";

/**
 * `n` distinct TCP ports free on `host` right now, all held open together so none repeats (the
 * caller binds them next; the kernel does not hand them out again at once).
 */
export async function freePorts(n: number, host = "127.0.0.1"): Promise<number[]> {
    const servers: net.Server[] = [];
    try {
        const ports: number[] = [];
        for (let i = 0; i < n; i++) {
            const srv = net.createServer();
            servers.push(srv);
            await new Promise<void>((resolve, reject) => {
                srv.once("error", reject);
                srv.listen(0, host, () => resolve());
            });
            ports.push((srv.address() as net.AddressInfo).port);
        }
        return ports;
    } finally {
        await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    }
}

/** One TCP port free on `host` right now. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
    return (await freePorts(1, host))[0];
}

/** Whether a TCP connection to host:port is accepted within timeoutMs (readiness checks, tcpSocket probes). */
export function tcpAccepts(host: string, port: number, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
        const s = net.connect({ host, port, timeout: timeoutMs }, () => {
            s.destroy();
            resolve(true);
        });
        s.on("timeout", () => {
            s.destroy();
            resolve(false);
        });
        s.on("error", () => resolve(false));
    });
}
