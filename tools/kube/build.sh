#!/usr/bin/env bash
# Builds the Kubernetes control plane pinned by this module's go.mod/go.sum:
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl
# into OUT_DIR/bin.  Usage: tools/kube/build.sh OUT_DIR
#
# The version is read from go.mod (k8s.io/kubernetes), and set with the same -X ldflags that
# upstream's hack/lib/version.sh sets (k8s.io/component-base/version and k8s.io/client-go/pkg/version).
set -euo pipefail

OUT_DIR=${1:?usage: $0 OUT_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
mkdir -p "$OUT_DIR/bin"
OUT_DIR=$(cd "$OUT_DIR" && pwd)

export GOFLAGS="-mod=readonly -buildvcs=false"
export GOTOOLCHAIN=local
export CGO_ENABLED=0 # upstream builds these server binaries statically too

version=$(go list -m -f '{{.Version}}' k8s.io/kubernetes) # e.g. v1.36.3
# buildDate: the release's publication time (reproducible), not the time of this build.
build_date=$(go list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes)
[[ -n $build_date ]] || build_date=1970-01-01T00:00:00Z
if [[ $version =~ ^v([0-9]+)\.([0-9]+)\. ]]; then
  major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
else
  echo "unexpected k8s.io/kubernetes version: $version" >&2; exit 1
fi

ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

cmds=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
pkgs=()
for c in "${cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done

echo "[tools/kube] go build k8s.io/kubernetes $version: ${cmds[*]} -> $OUT_DIR/bin" >&2
echo "[tools/kube] (cold builds take a long while on 2 cores; the Go build cache makes reruns fast)" >&2
go build -trimpath -ldflags "$ldflags" -o "$OUT_DIR/bin/" "${pkgs[@]}"
for c in "${cmds[@]}"; do
  [[ -x $OUT_DIR/bin/$c ]] || { echo "[tools/kube] missing $OUT_DIR/bin/$c" >&2; exit 1; }
done
"$OUT_DIR/bin/kubectl" version --client >&2
