#!/usr/bin/env bash
# Builds conftest (github.com/open-policy-agent/conftest), pinned by this module's go.mod/go.sum,
# into OUT_DIR/bin. Bench-only (see the bench-only file): `npm run bench` runs it side by side
# with check-manifests; demo and tests never need it.
# Usage: tools/conftest/build.sh OUT_DIR
set -euo pipefail

OUT_DIR=${1:?usage: $0 OUT_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
mkdir -p "$OUT_DIR/bin"
OUT_DIR=$(cd "$OUT_DIR" && pwd)

export GOFLAGS="-mod=readonly -buildvcs=false"
export GOTOOLCHAIN=local
export CGO_ENABLED=0

version=$(go list -m -f '{{.Version}}' github.com/open-policy-agent/conftest) # e.g. v0.71.1
echo "[tools/conftest] go build github.com/open-policy-agent/conftest $version -> $OUT_DIR/bin" >&2
# Upstream's Makefile sets the version the same way (internal/version.Version).
go build -trimpath -ldflags "-s -w -X github.com/open-policy-agent/conftest/internal/version.Version=${version#v}" \
  -o "$OUT_DIR/bin/conftest" github.com/open-policy-agent/conftest
"$OUT_DIR/bin/conftest" --version >&2 || true
