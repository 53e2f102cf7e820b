#!/usr/bin/env bash
# Builds controller-gen (sigs.k8s.io/controller-tools) into OUT_DIR/bin and generates the Prometheus
# Operator CRDs (ServiceMonitor, PrometheusRule, PodMonitor, ...) from the pinned
# github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring into OUT_DIR/share/crds/*.yaml.
# Usage: tools/crds/build.sh OUT_DIR
#
# Upstream's `make generate-crds` (Makefile, v0.85+) runs, inside pkg/apis/monitoring:
#   controller-gen crd:crdVersions=v1 paths=./v1/. paths=./v1alpha1/. output:crd:dir=example/prometheus-operator-crd/
# then scripts/generate/append-operator-version.sh adds `operator.prometheus.io/version: <VERSION>`
# after the controller-gen.kubebuilder.io/version annotation.  We do the same on the module's
# packages (the v1beta1 AlertmanagerConfig version needs the conversion webhook, so upstream keeps
# it out of the default bundle too), with maxDescLen=0: descriptions removed, as upstream's
# stripped-down-crds.yaml, which keeps the objects small for etcd and any client-side apply.
set -euo pipefail

OUT_DIR=${1:?usage: $0 OUT_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
mkdir -p "$OUT_DIR/bin" "$OUT_DIR/share"
OUT_DIR=$(cd "$OUT_DIR" && pwd)

export GOFLAGS="-mod=readonly -buildvcs=false"
export GOTOOLCHAIN=local
export CGO_ENABLED=0

ct_version=$(go list -m -f '{{.Version}}' sigs.k8s.io/controller-tools)
mon=github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring
po_version=$(go list -m -f '{{.Version}}' "$mon")

echo "[tools/crds] go build controller-gen $ct_version -> $OUT_DIR/bin" >&2
# controller-gen prints this variable for --version when it is set (cmd/controller-gen/main.go).
go build -trimpath -ldflags "-s -w -X sigs.k8s.io/controller-tools/pkg/version.version=$ct_version" \
  -o "$OUT_DIR/bin/controller-gen" sigs.k8s.io/controller-tools/cmd/controller-gen

echo "[tools/crds] controller-gen crd: $mon $po_version -> $OUT_DIR/share/crds" >&2
tmp=$(mktemp -d "$OUT_DIR/share/.crds.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Runs from this module so that the pinned versions (go.mod/go.sum) are the ones loaded.
"$OUT_DIR/bin/controller-gen" crd:crdVersions=v1,maxDescLen=0 \
  paths="$mon/v1" paths="$mon/v1alpha1" output:crd:dir="$tmp"
for f in "$tmp"/*.yaml; do
  sed -i "/^    controller-gen.kubebuilder.io.version.*/a\\    operator.prometheus.io/version: ${po_version#v}" "$f"
done
for kind in servicemonitors prometheusrules; do
  [[ -s $tmp/monitoring.coreos.com_$kind.yaml ]] || { echo "[tools/crds] $kind CRD was not generated" >&2; exit 1; }
done
rm -rf "$OUT_DIR/share/crds"
mv "$tmp" "$OUT_DIR/share/crds"
trap - EXIT
ls "$OUT_DIR/share/crds" >&2
