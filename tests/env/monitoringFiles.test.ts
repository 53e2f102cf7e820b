/**
 * The config-sync daemon's file mapping (env/monitoring/configFiles.ts): what Prometheus reads is
 * exactly the Operator's Secret and rule ConfigMaps of its own Prometheus object, a deleted
 * PrometheusRule stops being evaluated, and unchanged objects cause no rewrite (hence no reload).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { desiredFiles, syncFiles } from "../../env/monitoring/configFiles";
import { parseConfigSyncArgs } from "../../env/monitoring/configSync";

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const gz = zlib.gzipSync("global:\n  external_labels:\n    prometheus_replica: $(POD_NAME)\n");

const configSecret = { metadata: { name: "prometheus-local" }, data: { "prometheus.yaml.gz": b64(gz) } };
const rules0 = { metadata: { name: "prometheus-local-rulefiles-0" }, data: { "ns-a-rules-uid1.yaml": "groups: []\n" } };

describe("env/monitoring config files (the kubelet's volumes, as files)", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "mon-files-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("maps the config Secret, rule ConfigMaps and TLS assets to the pod's /etc/prometheus layout, bytes intact", () => {
        const tls = { metadata: { name: "prometheus-local-tls-assets-0" }, data: { "ca.crt": b64("PEM") } };
        const files = desiredFiles("local", [configSecret, tls], [rules0]);
        expect([...files.keys()].sort()).to.deep.equal(["certs/ca.crt", "config/prometheus.yaml.gz", "rules/prometheus-local-rulefiles-0/ns-a-rules-uid1.yaml"]);
        expect(files.get("config/prometheus.yaml.gz")!.equals(gz)).to.equal(true, "gzip bytes unchanged");
        expect(files.get("certs/ca.crt")!.toString()).to.equal("PEM");
    });

    it("ignores the objects of another Prometheus object and unrelated ConfigMaps", () => {
        const other = { metadata: { name: "prometheus-other" }, data: { "prometheus.yaml.gz": b64("x") } };
        const otherRules = { metadata: { name: "prometheus-other-rulefiles-0" }, data: { "r.yaml": "groups: []\n" } };
        const files = desiredFiles("local", [other], [otherRules, { metadata: { name: "kube-root-ca.crt" }, data: { "ca.crt": "x" } }]);
        expect(files.size).to.equal(0);
    });

    it("refuses keys that would escape the directory", () => {
        const evil = { metadata: { name: "prometheus-local-rulefiles-0" }, data: { "../../etc/passwd": "x" } };
        expect(() => desiredFiles("local", [configSecret], [evil])).to.throw(/unsafe key/);
    });

    it("writes changed files only, removes a deleted rule file and its directory, leaves other files alone", () => {
        const first = desiredFiles("local", [configSecret], [rules0, { metadata: { name: "prometheus-local-rulefiles-1" }, data: { "b.yaml": "groups: []\n" } }]);
        expect(syncFiles(dir, first).written).to.have.length(3);
        fs.writeFileSync(path.join(dir, "config_out.keep"), "not ours");

        const again = syncFiles(dir, first);
        expect(again).to.deep.equal({ written: [], removed: [] }, "unchanged objects: no rewrite, so no reload");

        const second = desiredFiles("local", [configSecret], [rules0]);
        const r = syncFiles(dir, second);
        expect(r.removed).to.deep.equal(["rules/prometheus-local-rulefiles-1/b.yaml"]);
        expect(fs.existsSync(path.join(dir, "rules", "prometheus-local-rulefiles-1"))).to.equal(false);
        expect(fs.existsSync(path.join(dir, "rules")), "the watched rules/ root stays").to.equal(true);
        expect(fs.readFileSync(path.join(dir, "config_out.keep"), "utf8")).to.equal("not ours");
        expect(fs.statSync(path.join(dir, "config", "prometheus.yaml.gz")).mode & 0o077).to.equal(0, "config may hold credentials");
        expect(fs.readdirSync(path.join(dir, "config")), "no temp files left").to.deep.equal(["prometheus.yaml.gz"]);
    });

    it("daemon flags: required ones, bounded interval, unknown flags rejected", () => {
        const ok = ["--kubeconfig=k", "--namespace=monitoring", "--name=local", "--dir=d"];
        expect(parseConfigSyncArgs(ok).intervalMs).to.equal(1000);
        expect(() => parseConfigSyncArgs(ok.slice(1))).to.throw(/--kubeconfig is required/);
        expect(() => parseConfigSyncArgs([...ok, "--interval-ms=5"])).to.throw(/100 to 60000/);
        expect(() => parseConfigSyncArgs([...ok, "--bogus"])).to.throw(/bogus/);
    });
});
