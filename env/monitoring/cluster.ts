/** What the monitoring modules need from the local cluster (env/cluster ClusterInfo fits). */
import * as fs from "fs";
import * as path from "path";

export interface LocalCluster {
    /** Admin kubeconfig (user in system:masters). */
    kubeconfig: string;
    /** https://127.0.0.1:<port> */
    server: string;
    /** The cluster's state dir; its pki/ holds the CA and the admin client certificate. */
    stateDir: string;
}

/** The cluster CA and the admin client certificate, as env/cluster writes them. */
export interface ClusterPki {
    caCrt: string;
    caKey: string;
    adminCrt: string;
    adminKey: string;
}

export function clusterPki(clusterStateDir: string): ClusterPki {
    const p = (f: string) => path.join(clusterStateDir, "pki", f);
    const pki = { caCrt: p("ca.crt"), caKey: p("ca.key"), adminCrt: p("admin.crt"), adminKey: p("admin.key") };
    const missing = Object.values(pki).filter((f) => !fs.existsSync(f));
    if (missing.length > 0) throw new Error(`cluster PKI incomplete in ${clusterStateDir}: missing ${missing.join(", ")}`);
    return pki;
}
