#!/usr/bin/env bash
# Builds prometheus-operator and prometheus-config-reloader (both from
# github.com/prometheus-operator/prometheus-operator, pinned by this module's go.mod/go.sum) into
# OUT_DIR/bin.  Usage: tools/prometheus-operator/build.sh OUT_DIR
#
# The upstream module's go.mod replaces its nested modules pkg/apis/monitoring and pkg/client with
# local directories that are not in the module zip, so `go install …@version` is refused; this
# wrapper module requires all three at the same version instead (v0.93.1, the version tools/crds
# generates the CRDs from).
set -euo pipefail

OUT_DIR=${1:?usage: $0 OUT_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
mkdir -p "$OUT_DIR/bin"
OUT_DIR=$(cd "$OUT_DIR" && pwd)

export GOFLAGS="-mod=readonly -buildvcs=false"
export GOTOOLCHAIN=local
export CGO_ENABLED=0

mod=github.com/prometheus-operator/prometheus-operator
version=$(go list -m -f '{{.Version}}' "$mod") # e.g. v0.93.1
crd_version=$(go list -m -f '{{.Version}}' "$mod/pkg/apis/monitoring")
[[ $crd_version == "$version" ]] || { echo "[tools/prometheus-operator] $mod $version but pkg/apis/monitoring $crd_version" >&2; exit 1; }

# Upstream's Makefile sets github.com/prometheus/common/version.Version; the operator also derives
# its default prometheus-config-reloader image tag from it (empty without it).
echo "[tools/prometheus-operator] go build $mod $version: operator prometheus-config-reloader -> $OUT_DIR/bin" >&2
go build -trimpath -ldflags "-s -w -X github.com/prometheus/common/version.Version=${version#v}" \
  -o "$OUT_DIR/bin/" "$mod/cmd/operator" "$mod/cmd/prometheus-config-reloader"
mv "$OUT_DIR/bin/operator" "$OUT_DIR/bin/prometheus-operator"
"$OUT_DIR/bin/prometheus-operator" --version >&2
"$OUT_DIR/bin/prometheus-config-reloader" --version >&2
