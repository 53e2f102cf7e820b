#!/usr/bin/env bash
# Builds etcd (go.etcd.io/etcd/server/v3, whose module root is the etcd main package), pinned by
# this module's go.mod/go.sum, into OUT_DIR/bin.  Usage: tools/etcd/build.sh OUT_DIR
set -euo pipefail

OUT_DIR=${1:?usage: $0 OUT_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
mkdir -p "$OUT_DIR/bin"
OUT_DIR=$(cd "$OUT_DIR" && pwd)

export GOFLAGS="-mod=readonly -buildvcs=false"
export GOTOOLCHAIN=local
export CGO_ENABLED=0 # as upstream scripts/build_lib.sh

version=$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
echo "[tools/etcd] go build go.etcd.io/etcd/server/v3 $version -> $OUT_DIR/bin/etcd" >&2
# Upstream sets only api/v3/version.GitSHA; the release version is a constant in the source.
go build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$version" \
  -o "$OUT_DIR/bin/etcd" go.etcd.io/etcd/server/v3
"$OUT_DIR/bin/etcd" --version >&2
