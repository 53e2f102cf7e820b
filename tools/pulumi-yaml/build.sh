#!/usr/bin/env bash
# Builds the Pulumi YAML language host (pulumi-language-yaml) from the pinned pulumi-yaml module
# into OUT_DIR/bin. Contract shared by every tools/*/build.sh: `build.sh OUT_DIR`. Called by
# tools/ensure-toolchain.sh. See ../README.md for the version choice.
set -euo pipefail
out=${1:?usage: build.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/bin"
out=$(cd "$out" && pwd)

cd "$here"
version=$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi-yaml)
ldflags="-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$version"
export GOFLAGS="-mod=readonly -trimpath -buildvcs=false"
export GOTOOLCHAIN=local # build with the machine's Go, never a downloaded one
export CGO_ENABLED=0    # static binaries, as upstream releases them

echo "[pulumi-yaml] go build pulumi-language-yaml $version"
go build -ldflags "$ldflags" -o "$out/bin/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
# The host has no --version flag; show the module versions compiled in.
go version -m "$out/bin/pulumi-language-yaml" | grep -E "pulumi-yaml|pulumi/(pkg|sdk)/v3"
