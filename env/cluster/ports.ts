import * as net from "net";

/** `n` distinct TCP ports free on 127.0.0.1 (all held open together, so none repeats). */
export async function freePorts(n: number): Promise<number[]> {
    const servers: net.Server[] = [];
    try {
        const ports: number[] = [];
        for (let i = 0; i < n; i++) {
            const srv = net.createServer();
            servers.push(srv);
            await new Promise<void>((resolve, reject) => {
                srv.once("error", reject);
                srv.listen(0, "127.0.0.1", () => resolve());
            });
            ports.push((srv.address() as net.AddressInfo).port);
        }
        return ports;
    } finally {
        await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    }
}
