/**
 * What the kubelet would mount into the Prometheus pod, as files: the Operator's config Secret
 * `prometheus-<name>` (key prometheus.yaml.gz), its rule ConfigMaps
 * `prometheus-<name>-rulefiles-N`, and its TLS assets Secrets `prometheus-<name>-tls-assets-N`,
 * laid out like the pod's /etc/prometheus (operator pkg/prometheus/common.go: config/,
 * rules/<configmap>/, certs/). Pure mapping plus an atomic, minimal writer.
 */
import * as fs from "fs";
import * as path from "path";

/** The slice of a Secret (base64 values) or ConfigMap (text values) used here; client-node's types fit. */
export interface DataObject {
    metadata?: { name?: string };
    data?: Record<string, string>;
}

/** The subdirectories this writer owns (everything else in the dir is left alone). */
export const MANAGED_DIRS = ["config", "rules", "certs"] as const;

/** A file name a Secret/ConfigMap key may become: no path separators, no dot names. */
function safeKey(key: string): string {
    if (!/^[-._a-zA-Z0-9]+$/.test(key) || key === "." || key === "..") throw new Error(`unsafe key for a file name: ${JSON.stringify(key)}`);
    return key;
}

/**
 * The file tree (relative path -> bytes) for one Prometheus object `name`. Objects of other
 * Prometheus objects are ignored. Without the config Secret there is no `config/` file.
 */
export function desiredFiles(name: string, secrets: DataObject[], configMaps: DataObject[]): Map<string, Buffer> {
    const files = new Map<string, Buffer>();
    const configSecret = `prometheus-${name}`;
    const tlsPrefix = `prometheus-${name}-tls-assets-`;
    const rulesPrefix = `prometheus-${name}-rulefiles-`;
    for (const s of secrets) {
        const n = s.metadata?.name ?? "";
        if (n === configSecret) {
            const gz = s.data?.["prometheus.yaml.gz"];
            if (gz !== undefined) files.set("config/prometheus.yaml.gz", Buffer.from(gz, "base64"));
        } else if (n.startsWith(tlsPrefix)) {
            for (const [k, v] of Object.entries(s.data ?? {})) files.set(`certs/${safeKey(k)}`, Buffer.from(v, "base64"));
        }
    }
    for (const cm of configMaps) {
        const n = cm.metadata?.name ?? "";
        if (!n.startsWith(rulesPrefix)) continue;
        for (const [k, v] of Object.entries(cm.data ?? {})) files.set(`rules/${safeKey(n)}/${safeKey(k)}`, Buffer.from(v, "utf8"));
    }
    return files;
}

export interface SyncResult {
    written: string[];
    removed: string[];
}

function listFiles(root: string, sub: string): string[] {
    const dir = path.join(root, sub);
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const rel = path.join(sub, e.name);
        return e.isDirectory() ? listFiles(root, rel) : [rel];
    });
}

/**
 * Makes `dir`'s managed subdirectories hold exactly `files`: changed files are written to a temp
 * name and renamed (a reader never sees half a file), stale files and emptied rule directories are
 * removed, unchanged files are not touched. Files are 0600 (the config and certs may hold secrets).
 */
export function syncFiles(dir: string, files: Map<string, Buffer>): SyncResult {
    const result: SyncResult = { written: [], removed: [] };
    for (const [rel, content] of files) {
        const target = path.join(dir, rel);
        if (fs.existsSync(target) && fs.readFileSync(target).equals(content)) continue;
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const tmp = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}`);
        fs.writeFileSync(tmp, content, { mode: 0o600 });
        fs.renameSync(tmp, target);
        result.written.push(rel);
    }
    for (const sub of MANAGED_DIRS) {
        for (const rel of listFiles(dir, sub)) {
            if (files.has(rel)) continue;
            fs.rmSync(path.join(dir, rel), { force: true });
            result.removed.push(rel);
        }
    }
    // Rule directories whose ConfigMap is gone (the `rules/` root itself stays: it is watched).
    const rulesDir = path.join(dir, "rules");
    if (fs.existsSync(rulesDir)) {
        for (const e of fs.readdirSync(rulesDir, { withFileTypes: true })) {
            const sub = path.join(rulesDir, e.name);
            if (e.isDirectory() && fs.readdirSync(sub).length === 0) fs.rmdirSync(sub);
        }
    }
    return result;
}
