/** etcd: one member, plain HTTP on loopback only (as envtest runs it), throwaway data. */
import { Component, Launch, clusterComponent } from "./component";
import { httpGet } from "../http";

export interface EtcdOptions extends Launch {
    dataDir: string;
    clientPort: number;
    peerPort: number;
}

export function etcdArgs(o: EtcdOptions): string[] {
    const client = `http://127.0.0.1:${o.clientPort}`;
    const peer = `http://127.0.0.1:${o.peerPort}`;
    return [
        "--name=local",
        `--data-dir=${o.dataDir}`,
        `--listen-client-urls=${client}`,
        `--advertise-client-urls=${client}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=local=${peer}`,
        "--initial-cluster-state=new",
        "--unsafe-no-fsync=true", // throwaway test data: no fsync, much faster on shared disks
        "--log-level=warn",
    ];
}

/** etcd's own verdict: /health answers `"health":"true"`. */
export async function etcdHealthy(clientPort: number): Promise<boolean> {
    const r = await httpGet(`http://127.0.0.1:${clientPort}/health`);
    return r.status === 200 && new RegExp(ETCD_HEALTHY_BODY).test(r.body);
}

/** etcd's own verdict, as a readiness check (see etcdHealthy). */
export const ETCD_HEALTHY_BODY = '"health":\\s*"true"';

export function etcdComponent(o: EtcdOptions): Component {
    const url = `http://127.0.0.1:${o.clientPort}/health`;
    return clusterComponent("etcd", etcdArgs(o), o, { what: `etcd ${url}`, readiness: { http: url, bodyMatches: ETCD_HEALTHY_BODY } });
}
