#!/usr/bin/env bash
# Builds the code-generation-only language hosts pulumi-language-python and pulumi-language-go (one
# program, two names) into OUT_DIR/bin. Contract shared by every tools/*/build.sh: `build.sh OUT_DIR`.
# Called by tools/ensure-toolchain.sh. See ../README.md.
set -euo pipefail
out=${1:?usage: build.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/bin"
out=$(cd "$out" && pwd)

cd "$here"
version=$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"
export GOFLAGS="-mod=readonly -trimpath -buildvcs=false"
export GOTOOLCHAIN=local # build with the machine's Go, never a downloaded one
export CGO_ENABLED=0    # static binaries

echo "[pulumi-sdkgen] go build pulumi-language-python, pulumi-language-go (pkg/v3 $version code generators)"
go build -ldflags "$ldflags" -o "$out/bin/pulumi-language-python" .
ln "$out/bin/pulumi-language-python" "$out/bin/pulumi-language-go"
"$out/bin/pulumi-language-go" -version
