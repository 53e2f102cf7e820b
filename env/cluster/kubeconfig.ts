/** Kubeconfig files for the cluster's clients: server URL, the CA, and one client certificate embedded. */
import * as fs from "fs";
import { stringify } from "yaml";
import { Pki, clientIdentity } from "./pki";

const CLUSTER = "vllm-local";

/** The kubeconfig of client identity `certName` (see CLIENT_IDENTITIES) as an object. */
export function kubeconfigFor(server: string, pki: Pki, certName: string): object {
    const b64 = (f: string) => fs.readFileSync(f).toString("base64");
    const { crt, key } = pki.cert(certName);
    const user = clientIdentity(certName).user;
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: CLUSTER, cluster: { server, "certificate-authority-data": b64(pki.caCrt) } }],
        users: [{ name: user, user: { "client-certificate-data": b64(crt), "client-key-data": b64(key) } }],
        contexts: [{ name: CLUSTER, context: { cluster: CLUSTER, user, namespace: "default" } }],
        "current-context": CLUSTER,
    };
}

/** Writes it to `file`, readable by its owner only (it holds a private key). */
export function writeKubeconfig(file: string, server: string, pki: Pki, certName: string): void {
    fs.writeFileSync(file, stringify(kubeconfigFor(server, pki, certName), { lineWidth: 0 }), { mode: 0o600 });
}
