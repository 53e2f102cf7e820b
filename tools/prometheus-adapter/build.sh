#!/usr/bin/env bash
# Builds prometheus-adapter (sigs.k8s.io/prometheus-adapter/cmd/adapter, pinned by this module's
# go.mod/go.sum) into OUT_DIR/bin/prometheus-adapter.  Usage: tools/prometheus-adapter/build.sh OUT_DIR
#
# The proxy's version list for this module is refused, but the exact version is served.
# Upstream's Makefile builds with plain `CGO_ENABLED=0 go build` and sets no version ldflag, so
# none is set here either (the binary reports the k8s.io/component-base default version).
set -euo pipefail

OUT_DIR=${1:?usage: $0 OUT_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
mkdir -p "$OUT_DIR/bin"
OUT_DIR=$(cd "$OUT_DIR" && pwd)

export GOFLAGS="-mod=readonly -buildvcs=false"
export GOTOOLCHAIN=local
export CGO_ENABLED=0

mod=sigs.k8s.io/prometheus-adapter
version=$(go list -m -f '{{.Version}}' "$mod") # e.g. v0.12.0
echo "[tools/prometheus-adapter] go build $mod $version -> $OUT_DIR/bin/prometheus-adapter" >&2
go build -trimpath -ldflags "-s -w" -o "$OUT_DIR/bin/prometheus-adapter" "$mod/cmd/adapter"
# `--help` exits non-zero (pflag.ErrHelp goes to klog.Fatalf), so check what it prints instead.
help=$("$OUT_DIR/bin/prometheus-adapter" --help 2>&1 || true)
grep -q -- '--prometheus-url' <<<"$help" || { echo "[tools/prometheus-adapter] built binary does not run: $help" >&2; exit 1; }
