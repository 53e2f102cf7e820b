#!/usr/bin/env bash
# Builds kube-state-metrics (k8s.io/kube-state-metrics/v2, pinned by this module's go.mod/go.sum)
# into OUT_DIR/bin/kube-state-metrics.  Usage: tools/kube-state-metrics/build.sh OUT_DIR
#
# The proxy's version list for this module is refused (403), but the exact version is served.
# The checksum database has no record of k8s.io/kube-state-metrics/v2 v2.16.0 nor of
# k8s.io/sample-controller v0.32.6 (lookup 404), so their go.sum lines were recorded with
# GONOSUMDB when the lock was made; from then on go.sum is the check (GOFLAGS=-mod=readonly).
set -euo pipefail

OUT_DIR=${1:?usage: $0 OUT_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
mkdir -p "$OUT_DIR/bin"
OUT_DIR=$(cd "$OUT_DIR" && pwd)

export GOFLAGS="-mod=readonly -buildvcs=false"
export GOTOOLCHAIN=local
export CGO_ENABLED=0

mod=k8s.io/kube-state-metrics/v2
version=$(go list -m -f '{{.Version}}' "$mod") # e.g. v2.16.0
go mod download "$mod" # .Dir and .Time are empty until the module is in the module cache (a fresh machine)
src=$(go list -m -f '{{.Dir}}' "$mod")
data_version=$(sed -n 's/^version: "\(.*\)"$/\1/p' "$src/data.yaml") # upstream's Makefile reads VERSION here
[[ $version == "v$data_version" ]] || { echo "[tools/kube-state-metrics] module $version but data.yaml says $data_version" >&2; exit 1; }
# The commit time the proxy records, not the build's clock: the same pins give the same binary.
build_date=$(go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' "$mod")

# Upstream's Makefile (build-local) sets these github.com/prometheus/common/version variables.
# Revision, Branch and BuildUser come from a git checkout there; a module zip has none, so they
# stay empty rather than invented.
pkg=github.com/prometheus/common
echo "[tools/kube-state-metrics] go build $mod $version -> $OUT_DIR/bin/kube-state-metrics" >&2
go build -trimpath -ldflags "-s -w -X $pkg/version.Version=$version -X $pkg/version.BuildDate=$build_date" \
  -o "$OUT_DIR/bin/kube-state-metrics" "$mod"
"$OUT_DIR/bin/kube-state-metrics" version >&2 # a subcommand, not a flag
