#!/usr/bin/env bash
# Builds actionlint (github.com/rhysd/actionlint), pinned by this module's go.mod/go.sum, into
# OUT_DIR/bin. npm test lints .github/workflows/ with it (tests/native/workflows.test.ts).
# Usage: tools/actionlint/build.sh OUT_DIR
set -euo pipefail

OUT_DIR=${1:?usage: $0 OUT_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
mkdir -p "$OUT_DIR/bin"
OUT_DIR=$(cd "$OUT_DIR" && pwd)

export GOFLAGS="-mod=readonly -buildvcs=false"
export GOTOOLCHAIN=local
export CGO_ENABLED=0

version=$(go list -m -f '{{.Version}}' github.com/rhysd/actionlint) # e.g. v1.7.12
echo "[tools/actionlint] go build github.com/rhysd/actionlint/cmd/actionlint $version -> $OUT_DIR/bin" >&2
# Upstream's .goreleaser.yaml sets the version the same way (package-level `version`).
go build -trimpath -ldflags "-s -w -X github.com/rhysd/actionlint.version=${version#v} -X 'github.com/rhysd/actionlint.installedFrom=built from the Go module proxy (tools/actionlint)'" \
  -o "$OUT_DIR/bin/actionlint" github.com/rhysd/actionlint/cmd/actionlint
"$OUT_DIR/bin/actionlint" -version >&2
