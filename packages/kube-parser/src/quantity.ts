/**
 * Kubernetes resource quantities ("16Gi", "500M", "1.5G", "2e3"), exactly as the API server
 * (k8s.io/apimachinery resource.ParseQuantity) accepts them: <sign?><digits[.digits]><suffix>, no
 * surrounding whitespace; converted to bytes (or plain units) so sizes can be compared.
 */
const SUFFIX: Record<string, number> = {
    "": 1,
    n: 1e-9, u: 1e-6, m: 1e-3,
    k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

const QUANTITY_RE = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** The numeric value of a quantity, or undefined when it is not a valid quantity. */
export function parseQuantity(q: string | number | undefined | null): number | undefined {
    if (q === undefined || q === null) {
        return undefined;
    }
    if (typeof q === "number") {
        return Number.isFinite(q) ? q : undefined;
    }
    // No trimming: the API server refuses " 16Gi" (resource.ParseQuantity), so must we.
    const m = QUANTITY_RE.exec(q);
    if (!m) {
        return undefined;
    }
    const base = Number(m[1]);
    if (m[2]) {
        return base * 10 ** Number(m[2].slice(1));
    }
    return base * SUFFIX[m[3] ?? ""];
}

/** Formats bytes as the largest exact binary unit, for messages ("16Gi"). */
export function formatBytes(bytes: number): string {
    for (const unit of ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"]) {
        const size = SUFFIX[unit];
        if (bytes >= size && bytes % size === 0) {
            return `${bytes / size}${unit}`;
        }
    }
    return `${bytes}`;
}

/**
 * Smallest `/dev/shm` for a pod with more than one GPU worker: NCCL/IPC between shards fails
 * below it. The component refuses smaller sizes and the `vllm-shm-size` policy defaults to it.
 */
export const MIN_MULTI_GPU_SHM = "2Gi";
