#!/usr/bin/env bash
# Builds kwok (sigs.k8s.io/kwok/cmd/kwok), pinned by this module's go.mod/go.sum, into OUT_DIR/bin.
# Usage: tools/kwok/build.sh OUT_DIR
set -euo pipefail

OUT_DIR=${1:?usage: $0 OUT_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
mkdir -p "$OUT_DIR/bin"
OUT_DIR=$(cd "$OUT_DIR" && pwd)

export GOFLAGS="-mod=readonly -buildvcs=false"
export GOTOOLCHAIN=local
export CGO_ENABLED=0

version=$(go list -m -f '{{.Version}}' sigs.k8s.io/kwok) # e.g. v0.8.0
echo "[tools/kwok] go build sigs.k8s.io/kwok/cmd/kwok $version -> $OUT_DIR/bin" >&2
# Same version ldflag as upstream hack/releases.sh (the source already carries it; kept explicit).
go build -trimpath -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${version#v}" \
  -o "$OUT_DIR/bin/kwok" sigs.k8s.io/kwok/cmd/kwok

# The standalone kwok binary has no built-in stages (only kwokctl adds its defaults), so ship the
# same default stages that kwokctl passes to it (pkg/kwokctl/runtime/cluster.go getDefault*Stages),
# copied from the pinned module: node-initialize, node-heartbeat-with-lease (kwok renews node
# Leases), pod-ready, pod-complete, pod-delete.  Used as `kwok -c FILE ...`.
src=$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
stages="$OUT_DIR/share/kwok/stages"
rm -rf "$stages"
mkdir -p "$stages"
for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
         pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
  install -m 0644 "$src/kustomize/stage/$f" "$stages/$(basename "$f")"
done
"$OUT_DIR/bin/kwok" --version >&2 || true
