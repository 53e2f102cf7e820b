/** kube-apiserver on 127.0.0.1 over etcd, with the cluster's PKI, RBAC and the aggregation layer. */
import { Component, Launch, clusterComponent } from "./component";
import { TlsOpts, answers200 } from "../http";
import { SERVICE_CIDR } from "./network";
import { Pki } from "./pki";

export interface ApiserverOptions extends Launch {
    etcdPort: number;
    port: number;
    pki: Pki;
    /** --cert-dir (unused with explicit serving certificates, but the API server wants it writable). */
    certDir: string;
}

export function apiserverUrl(port: number): string {
    return `https://127.0.0.1:${port}`;
}

export function apiserverArgs(o: ApiserverOptions): string[] {
    const pki = o.pki;
    return [
        `--etcd-servers=http://127.0.0.1:${o.etcdPort}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${o.port}`,
        `--cert-dir=${o.certDir}`,
        `--tls-cert-file=${pki.apiserverCrt}`,
        `--tls-private-key-file=${pki.apiserverKey}`,
        `--client-ca-file=${pki.caCrt}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${pki.saPub}`,
        `--service-account-signing-key-file=${pki.saKey}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        "--authorization-mode=Node,RBAC",
        `--requestheader-client-ca-file=${pki.cert("front-proxy-ca").crt}`,
        "--requestheader-allowed-names=front-proxy-client",
        "--requestheader-username-headers=X-Remote-User",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        `--proxy-client-cert-file=${pki.cert("front-proxy-client").crt}`,
        `--proxy-client-key-file=${pki.cert("front-proxy-client").key}`,
        "--enable-aggregator-routing=true", // no kube-proxy: reach aggregated APIs by endpoint
        // The `kubernetes` Service gets no Endpoints: the only address is loopback, which Endpoints
        // reject, and nothing in a kwok pod could use it anyway.
        "--endpoint-reconciler-type=none",
        "--allow-privileged=true",
        "--profiling=false",
        // Default admission plugins, ServiceAccount included: the controller-manager creates the
        // `default` ServiceAccount of each namespace and mints tokens with sa.key.
    ];
}

/** /readyz answers 200 to the admin identity. */
export function apiserverReady(server: string, tls: TlsOpts): Promise<boolean> {
    return answers200(`${server}/readyz`, tls);
}

export function apiserverComponent(o: ApiserverOptions): Component {
    const url = `${apiserverUrl(o.port)}/readyz`;
    const admin = o.pki.cert("admin");
    return clusterComponent("kube-apiserver", apiserverArgs(o), o, {
        what: `kube-apiserver ${url}`,
        readiness: { http: url, ca: o.pki.caCrt, cert: admin.crt, key: admin.key },
    });
}
