/**
 * The cluster's certificates (openssl, EC P-256): a CA with serving certificates for the API server,
 * controller-manager and scheduler and one client certificate per identity; a separate front-proxy
 * CA for the aggregation layer (as kubeadm does); the service-account signing key pair.
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { SERVICE_IP } from "./network";

export interface CertPair {
    crt: string;
    key: string;
}

export interface Pki {
    dir: string;
    caCrt: string;
    caKey: string;
    saKey: string;
    saPub: string;
    apiserverCrt: string;
    apiserverKey: string;
    /** `<dir>/<name>.crt` and `.key` (e.g. "admin", "front-proxy-ca", "scheduler-serving"). */
    cert(name: string): CertPair;
}

/** A client identity: its certificate's file name and subject. The user name is the subject's CN. */
export interface ClientIdentity {
    cert: string;
    /** RBAC user name (the certificate's CN). */
    user: string;
    /** Groups (the certificate's O). */
    groups: string[];
}

/** The bootstrap RBAC roles bind these user names; system:masters where a component needs everything. */
export const CLIENT_IDENTITIES: ClientIdentity[] = [
    { cert: "admin", user: "kubernetes-admin", groups: ["system:masters"] },
    // The controller-manager runs every controller with its own identity
    // (--use-service-account-credentials=false), so it is in system:masters.
    { cert: "controller-manager", user: "system:kube-controller-manager", groups: ["system:masters"] },
    { cert: "scheduler", user: "system:kube-scheduler", groups: [] },
    { cert: "kwok", user: "kwok-controller", groups: ["system:masters"] },
];

const LOOPBACK_SAN = "IP:127.0.0.1,DNS:localhost";
const APISERVER_SAN = [
    LOOPBACK_SAN,
    `IP:${SERVICE_IP}`,
    ...["kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"].map((d) => `DNS:${d}`),
].join(",");

const OPENSSL_CNF = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
`;

function serverExt(san: string): string[] {
    return [
        "basicConstraints = critical,CA:FALSE",
        "keyUsage = critical,digitalSignature,keyEncipherment",
        "extendedKeyUsage = serverAuth",
        `subjectAltName = ${san}`,
    ];
}

const CLIENT_EXT = ["basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature,keyEncipherment", "extendedKeyUsage = clientAuth"];

/** Random positive 128-bit serial (leading hex digit below 8, so it is not read as negative). */
function serial(): string {
    return "0x" + crypto.randomBytes(16).toString("hex").replace(/^[89a-f]/, "1");
}

/** Issues keys and certificates into one directory with the openssl CLI. */
class Issuer {
    private readonly cnf: string;

    constructor(private readonly dir: string) {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        this.cnf = path.join(dir, "openssl.cnf");
        fs.writeFileSync(this.cnf, OPENSSL_CNF);
    }

    openssl(args: string[]): void {
        execFileSync("openssl", args, { cwd: this.dir, stdio: ["ignore", "ignore", "pipe"] });
    }

    key(name: string): void {
        this.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", `${name}.key`]);
    }

    /** A self-signed CA (key + certificate), valid for ten years. */
    selfSignedCa(name: string, cn: string): void {
        this.key(name);
        this.openssl(["req", "-config", this.cnf, "-x509", "-new", "-key", `${name}.key`, "-out", `${name}.crt`, "-days", "3650",
            "-subj", `/CN=${cn}`, "-extensions", "v3_ca", "-set_serial", serial()]);
    }

    /** A leaf certificate signed by CA `ca`, with the given X.509v3 extensions. */
    leaf(ca: string, name: string, subject: string, ext: string[]): void {
        this.key(name);
        this.openssl(["req", "-config", this.cnf, "-new", "-key", `${name}.key`, "-out", `${name}.csr`, "-subj", subject]);
        fs.writeFileSync(path.join(this.dir, `${name}.ext`), ext.join("\n") + "\n");
        this.openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-set_serial", serial(),
            "-days", "825", "-extfile", `${name}.ext`, "-out", `${name}.crt`]);
        fs.rmSync(path.join(this.dir, `${name}.csr`));
    }
}

function subjectOf(id: ClientIdentity): string {
    return [...id.groups.map((g) => `/O=${g}`), `/CN=${id.user}`].join("");
}

/** Generates every certificate and key the control plane needs into `dir` (keys mode 0600). */
export function generatePki(dir: string): Pki {
    const issuer = new Issuer(dir);
    issuer.selfSignedCa("ca", "vllm-pulumi-local-ca");
    issuer.leaf("ca", "apiserver", "/CN=kube-apiserver", serverExt(APISERVER_SAN));
    issuer.leaf("ca", "controller-manager-serving", "/CN=kube-controller-manager", serverExt(LOOPBACK_SAN));
    issuer.leaf("ca", "scheduler-serving", "/CN=kube-scheduler", serverExt(LOOPBACK_SAN));
    for (const id of CLIENT_IDENTITIES) issuer.leaf("ca", id.cert, subjectOf(id), CLIENT_EXT);
    // Front proxy (aggregation layer): the apiserver publishes this CA in
    // kube-system/extension-apiserver-authentication for the components' delegated authentication.
    issuer.selfSignedCa("front-proxy-ca", "vllm-pulumi-local-front-proxy-ca");
    issuer.leaf("front-proxy-ca", "front-proxy-client", "/CN=front-proxy-client", CLIENT_EXT);
    issuer.key("sa");
    issuer.openssl(["pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
    for (const f of fs.readdirSync(dir)) if (f.endsWith(".key")) fs.chmodSync(path.join(dir, f), 0o600);
    return pkiIn(dir);
}

/** The file layout of a PKI directory generatePki wrote. */
export function pkiIn(dir: string): Pki {
    const p = (f: string) => path.join(dir, f);
    return {
        dir,
        caCrt: p("ca.crt"),
        caKey: p("ca.key"),
        saKey: p("sa.key"),
        saPub: p("sa.pub"),
        apiserverCrt: p("apiserver.crt"),
        apiserverKey: p("apiserver.key"),
        cert: (name: string) => ({ crt: p(`${name}.crt`), key: p(`${name}.key`) }),
    };
}

/** The identity whose client certificate is `cert`; throws for an unknown one. */
export function clientIdentity(cert: string): ClientIdentity {
    const id = CLIENT_IDENTITIES.find((i) => i.cert === cert);
    if (!id) throw new Error(`local cluster: no client identity "${cert}" (known: ${CLIENT_IDENTITIES.map((i) => i.cert).join(", ")})`);
    return id;
}
