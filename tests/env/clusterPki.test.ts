/**
 * The control plane's certificates (env/cluster/pki.ts) and kubeconfigs (env/cluster/kubeconfig.ts),
 * generated with the real openssl and read back with openssl and @kubernetes/client-node.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { writeKubeconfig } from "../../env/cluster/kubeconfig";
import { CLIENT_IDENTITIES, Pki, generatePki } from "../../env/cluster/pki";

function openssl(args: string[]): string {
    return execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** `openssl verify` against one CA only; true when the chain holds. */
function verifies(caCrt: string, crt: string): boolean {
    try {
        openssl(["verify", "-CAfile", caCrt, crt]);
        return true;
    } catch {
        return false;
    }
}

describe("local cluster: certificates and kubeconfigs @process", function () {
    this.timeout(60_000);
    let dir: string;
    let pki: Pki;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-pki-"));
        pki = generatePki(path.join(dir, "pki"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("serves the API server on loopback and as the in-cluster `kubernetes` Service", () => {
        const text = openssl(["x509", "-in", pki.apiserverCrt, "-noout", "-ext", "subjectAltName,extendedKeyUsage"]);
        for (const san of ["IP Address:127.0.0.1", "IP Address:10.96.0.1", "DNS:kubernetes.default.svc.cluster.local", "DNS:localhost"]) {
            expect(text).to.contain(san);
        }
        expect(text).to.contain("TLS Web Server Authentication");
        expect(verifies(pki.caCrt, pki.apiserverCrt)).to.equal(true);
    });

    it("gives each client the user and groups RBAC binds, signed by the cluster CA", () => {
        for (const id of CLIENT_IDENTITIES) {
            const crt = pki.cert(id.cert).crt;
            const subject = openssl(["x509", "-in", crt, "-noout", "-subject", "-nameopt", "RFC2253"]).trim();
            expect(subject, id.cert).to.contain(`CN=${id.user}`);
            for (const g of id.groups) expect(subject, id.cert).to.contain(`O=${g}`);
            expect(openssl(["x509", "-in", crt, "-noout", "-ext", "extendedKeyUsage"]), id.cert).to.contain("TLS Web Client Authentication");
            expect(verifies(pki.caCrt, crt), id.cert).to.equal(true);
        }
        expect(CLIENT_IDENTITIES.find((i) => i.cert === "scheduler")!.groups, "the scheduler is not a cluster admin").to.deep.equal([]);
    });

    it("signs the front-proxy client with its own CA only (the aggregation layer's trust is separate)", () => {
        const client = pki.cert("front-proxy-client").crt;
        expect(verifies(pki.cert("front-proxy-ca").crt, client)).to.equal(true);
        expect(verifies(pki.caCrt, client)).to.equal(false);
    });

    it("keeps every private key readable by its owner only, and a matching service-account key pair", () => {
        const keys = fs.readdirSync(pki.dir).filter((f) => f.endsWith(".key"));
        expect(keys).to.include.members(["ca.key", "sa.key", "admin.key", "front-proxy-ca.key"]);
        for (const k of keys) expect(fs.statSync(path.join(pki.dir, k)).mode & 0o777, k).to.equal(0o600);
        expect(openssl(["pkey", "-in", pki.saKey, "-pubout"])).to.equal(fs.readFileSync(pki.saPub, "utf8"));
    });

    it("writes a kubeconfig with the server, the CA and the client's own certificate, mode 0600", () => {
        const file = path.join(dir, "scheduler.kubeconfig");
        writeKubeconfig(file, "https://127.0.0.1:6443", pki, "scheduler");
        expect(fs.statSync(file).mode & 0o777).to.equal(0o600);

        const kc = new KubeConfig();
        kc.loadFromFile(file);
        expect(kc.getCurrentCluster()?.server).to.equal("https://127.0.0.1:6443");
        expect(kc.getCurrentUser()?.name).to.equal("system:kube-scheduler");
        const raw = parse(fs.readFileSync(file, "utf8"));
        const b64 = (f: string) => fs.readFileSync(f).toString("base64");
        expect(raw.clusters[0].cluster["certificate-authority-data"]).to.equal(b64(pki.caCrt));
        expect(raw.users[0].user["client-certificate-data"]).to.equal(b64(pki.cert("scheduler").crt));
        expect(raw.users[0].user["client-key-data"]).to.equal(b64(pki.cert("scheduler").key));
        expect(raw.contexts[0].context.namespace).to.equal("default");
    });

    it("refuses a client identity it has no certificate for, writing nothing", () => {
        const file = path.join(dir, "nobody.kubeconfig");
        expect(() => writeKubeconfig(file, "https://127.0.0.1:6443", pki, "nobody")).to.throw(/no client identity "nobody"/);
        expect(fs.existsSync(file)).to.equal(false);
    });
});
