#!/usr/bin/env bash
# Finds promtool (Prometheus' rule checker) or fetches it, and prints its absolute path on stdout.
# Progress goes to stderr. Exit status 1 with a message saying what to do when it cannot.
#
# Order:
#   1. $PROMTOOL, if set (must be executable)
#   2. promtool on PATH
#   3. the cached copy in <repo>/.cache/promtool/ (git-ignored)
#   4. Debian/Ubuntu: `apt-get download prometheus` and extract only usr/bin/promtool from the .deb
#      into the cache (about 3 s and 19 MB, no root needed once apt lists exist; runs
#      `apt-get update` first when root and the lists are empty)
#   5. as root: `apt-get install -y --no-install-recommends prometheus` (about 13 s; also installs
#      the server, a systemd unit, a user and ~20 JS/font packages, hence the last resort)
set -euo pipefail

log() { printf 'ensure-promtool: %s\n' "$*" >&2; }
fail() {
    log "ERROR: $*"
    log "Install promtool yourself (Debian/Ubuntu: apt-get install prometheus; or a release from"
    log "https://github.com/prometheus/prometheus/releases) and put it on PATH or in \$PROMTOOL."
    exit 1
}
works() { [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_dir="${PROMTOOL_CACHE_DIR:-$repo_root/.cache/promtool}"
cached="$cache_dir/usr/bin/promtool"

if [ -n "${PROMTOOL:-}" ]; then
    works "$PROMTOOL" || fail "\$PROMTOOL=$PROMTOOL is not an executable promtool"
    printf '%s\n' "$PROMTOOL"
    exit 0
fi

if found="$(command -v promtool 2>/dev/null)" && works "$found"; then
    printf '%s\n' "$found"
    exit 0
fi

if works "$cached"; then
    printf '%s\n' "$cached"
    exit 0
fi

command -v apt-get >/dev/null 2>&1 || fail "promtool not found and this is not a Debian/Ubuntu system (no apt-get)"

am_root=false
[ "$(id -u)" = "0" ] && am_root=true

download_and_extract() {
    local tmp
    tmp="$(mktemp -d)"
    chmod 755 "$tmp" # lets apt download as its sandbox user _apt
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" RETURN
    local sandbox=()
    $am_root && sandbox=(-o APT::Sandbox::User=root) # root: no _apt sandbox warning for a private temp dir
    (cd "$tmp" && apt-get "${sandbox[@]}" download prometheus >&2) || return 1
    local deb
    deb="$(ls "$tmp"/prometheus_*.deb 2>/dev/null | head -n1)"
    [ -n "$deb" ] || return 1
    mkdir -p "$tmp/x" "$cache_dir/usr/bin"
    dpkg-deb -x "$deb" "$tmp/x" || return 1
    [ -f "$tmp/x/usr/bin/promtool" ] || return 1
    cp "$tmp/x/usr/bin/promtool" "$cached.tmp" && chmod +x "$cached.tmp" && mv "$cached.tmp" "$cached"
    printf '%s\n' "$(basename "$deb")" >"$cache_dir/SOURCE"
}

if command -v dpkg-deb >/dev/null 2>&1; then
    log "promtool not found; extracting it from Debian's prometheus package into $cache_dir"
    if ! download_and_extract; then
        if $am_root; then
            log "apt-get download failed; running apt-get update and retrying"
            apt-get update >&2 || true
            download_and_extract || true
        fi
    fi
    if works "$cached"; then
        log "using $("$cached" --version 2>&1 | head -n1)"
        printf '%s\n' "$cached"
        exit 0
    fi
fi

if $am_root; then
    log "installing the prometheus package with apt-get (last resort)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >&2 \
        || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >&2; } \
        || fail "apt-get install prometheus failed"
    found="$(command -v promtool 2>/dev/null)" && works "$found" && { printf '%s\n' "$found"; exit 0; }
fi

if $am_root; then
    fail "could not get promtool from apt (download and install both failed)"
fi
fail "could not get promtool: apt-get download of the prometheus package failed, and apt-get update/install need root"
