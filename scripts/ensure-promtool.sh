#!/usr/bin/env bash
# Prints the absolute path of the promtool the tests use, on stdout. Progress goes to stderr.
# Exit status 1 with a message saying what to do when it cannot.
#
# Order:
#   1. $PROMTOOL, if set (must be executable)
#   2. the pinned promtool from tools/prometheus (Prometheus 3.13.1, the release the local
#      environment's Prometheus runs, so rules are checked by the same code that evaluates them),
#      built into the toolchain cache by tools/ensure-toolchain.sh when missing (a few minutes
#      on 2 cores when cold; seconds when cached)
set -euo pipefail

log() { printf 'ensure-promtool: %s\n' "$*" >&2; }
works() { [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }

if [ -n "${PROMTOOL:-}" ]; then
    works "$PROMTOOL" || { log "ERROR: \$PROMTOOL=$PROMTOOL is not an executable promtool"; exit 1; }
    printf '%s\n' "$PROMTOOL"
    exit 0
fi

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! bin_dir="$("$repo_root/tools/ensure-toolchain.sh" prometheus | tail -n1)"; then
    log "ERROR: building tools/prometheus failed (see the log named above); or set \$PROMTOOL"
    exit 1
fi
works "$bin_dir/promtool" || { log "ERROR: no working promtool in $bin_dir"; exit 1; }
printf '%s\n' "$bin_dir/promtool"
