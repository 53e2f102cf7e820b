/**
 * A TLS serving certificate signed by the local cluster's CA (openssl), for servers the API server
 * calls (aggregated APIs): the aggregator verifies them with the APIService's caBundle and the
 * server name `<service>.<namespace>.svc` (kube-aggregator BuildTransportConfig).
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { ClusterPki } from "./cluster";

export interface ServingCert {
    crt: string;
    key: string;
}

/**
 * Writes `<dir>/<name>.{crt,key}` (EC P-256, valid 30 days) for the given DNS names and IPs.
 * The key file is 0600.
 */
export function issueServingCert(opts: { pki: ClusterPki; dir: string; name: string; dnsNames: string[]; ips: string[] }): ServingCert {
    if (opts.dnsNames.length === 0) throw new Error("issueServingCert: at least one DNS name is needed (the common name)");
    for (const ip of opts.ips) if (!net.isIPv4(ip) && !net.isIPv6(ip)) throw new Error(`issueServingCert: not an IP: ${JSON.stringify(ip)}`);
    fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    const file = (ext: string) => path.join(opts.dir, `${opts.name}.${ext}`);
    const openssl = (args: string[]) => execFileSync("openssl", args, { cwd: opts.dir, stdio: ["ignore", "ignore", "pipe"] });
    const san = [...opts.dnsNames.map((d) => `DNS:${d}`), ...opts.ips.map((ip) => `IP:${ip}`)].join(",");
    fs.writeFileSync(
        file("ext"),
        [
            "basicConstraints = critical,CA:FALSE",
            "keyUsage = critical,digitalSignature,keyEncipherment",
            "extendedKeyUsage = serverAuth",
            `subjectAltName = ${san}`,
        ].join("\n") + "\n",
    );
    openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file("key")]);
    fs.chmodSync(file("key"), 0o600);
    openssl(["req", "-new", "-key", file("key"), "-out", file("csr"), "-subj", `/CN=${opts.dnsNames[0]}`]);
    // A random positive serial (top bit clear), as env/cluster/pki.ts does.
    const serial = "0x" + crypto.randomBytes(16).toString("hex").replace(/^[89a-f]/, "1");
    openssl(["x509", "-req", "-in", file("csr"), "-CA", opts.pki.caCrt, "-CAkey", opts.pki.caKey, "-set_serial", serial,
        "-days", "30", "-extfile", file("ext"), "-out", file("crt")]);
    fs.rmSync(file("csr"));
    fs.rmSync(file("ext"));
    return { crt: file("crt"), key: file("key") };
}
