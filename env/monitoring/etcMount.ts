/**
 * Runs a command with a directory of ours visible at /etc/prometheus, without touching the host's
 * /etc: the Operator's generated config names its rule files by absolute path
 * (`/etc/prometheus/rules/prometheus-<name>-rulefiles-N/*.yaml`, operator promcfg.go), and
 * Prometheus must run that config unchanged.
 *
 * `unshare --mount --propagation private` gives the command a private copy of the mount table, so
 * nothing mounted below is seen by the rest of the machine, and it ends with the process.
 * - /etc/prometheus exists (e.g. Debian's prometheus package is installed): bind-mount our dir over it.
 * - It does not (a fresh machine): a bind mount needs an existing mount point, and creating one
 *   would write to the host's /etc. So /etc is overlaid (lowerdir = the real /etc, read-only;
 *   upper and work dirs on a tmpfs that exists only in this mount namespace), /etc/prometheus is
 *   created in the overlay's upper layer, and our dir is bind-mounted there. Every other file of
 *   /etc stays visible; mounts that sit on top of single files in /etc (e.g. a container runtime's
 *   /etc/hosts) show the underlying file instead, which Prometheus does not use here (it is given
 *   IP addresses only).
 * unshare and sh both exec, so the PID of the spawned process is the command's own. Needs root
 * (CAP_SYS_ADMIN).
 */

const SCRIPT = `set -eu
etc_dir=$1; scratch=$2; shift 2
if [ ! -d /etc/prometheus ]; then
  mount -t tmpfs -o mode=0755 vllm-etc-scratch "$scratch"
  mkdir "$scratch/upper" "$scratch/work"
  mount -t overlay vllm-etc -o "lowerdir=/etc,upperdir=$scratch/upper,workdir=$scratch/work" /etc
  mkdir /etc/prometheus
fi
mount --bind "$etc_dir" /etc/prometheus
exec "$@"
`;

/**
 * `[command, args]` running `bin args` with `etcDir` at /etc/prometheus. `scratchDir` must be an
 * existing, empty directory (the tmpfs mount point, used only when /etc/prometheus is missing).
 */
export function withEtcPrometheus(etcDir: string, scratchDir: string, bin: string, args: string[]): [string, string[]] {
    const [cmd, ...rest] = etcPrometheusWrapper(etcDir, scratchDir);
    return [cmd, [...rest, bin, ...args]];
}

/** The same as a wrapper (env/process.ts ProcessSpec.wrapper): what comes before `bin args`. */
export function etcPrometheusWrapper(etcDir: string, scratchDir: string): string[] {
    return ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", SCRIPT, "sh", etcDir, scratchDir];
}
