#!/usr/bin/env bash
# Builds the Pulumi CLI, this project's Node.js language host and the two plugin shims into
# OUT_DIR/bin. Contract shared by every tools/*/build.sh: `build.sh OUT_DIR`, executables go to
# OUT_DIR/bin, generated data files to OUT_DIR/share. Called by tools/ensure-toolchain.sh.
set -euo pipefail
out=${1:?usage: build.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/bin"
out=$(cd "$out" && pwd)

# The version the binaries report: the pkg/v3 and sdk/v3 requirement in go.mod.
version=$(cd "$here" && go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"
export GOFLAGS="-mod=readonly -trimpath -buildvcs=false"
export GOTOOLCHAIN=local # build with the machine's Go, never a downloaded one
export CGO_ENABLED=0    # static binaries, as upstream releases them

cd "$here"
echo "[pulumi-cli] go build pulumi $version (largest build of the toolchain)"
go build -ldflags "$ldflags" -o "$out/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
echo "[pulumi-cli] go build pulumi-language-nodejs (tools/pulumi-cli/cmd/pulumi-language-nodejs)"
go build -ldflags "$ldflags" -o "$out/bin/pulumi-language-nodejs" ./cmd/pulumi-language-nodejs
install -m 0755 shims/pulumi-analyzer-policy "$out/bin/pulumi-analyzer-policy"
install -m 0755 shims/pulumi-analyzer-policy "$out/bin/pulumi-analyzer-policy-nodejs"
install -m 0755 shims/pulumi-resource-pulumi-nodejs "$out/bin/pulumi-resource-pulumi-nodejs"
"$out/bin/pulumi" version
