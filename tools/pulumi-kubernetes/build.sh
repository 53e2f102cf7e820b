#!/usr/bin/env bash
# Builds pulumi-resource-kubernetes into OUT_DIR/bin (contract: see tools/README.md).
#
# The provider's main package //go:embed-s schema-embed.json and terraform-mapping-embed.json,
# which upstream generates (`go generate` -> generate.go) and does not commit, so they are not in
# the module zip. We copy that one package out of the read-only module cache into a scratch copy
# of this wrapper module, run upstream's own `go generate` there, and build it. The copy keeps
# every import, so go.mod/go.sum of this directory still lock every dependency.
set -euo pipefail
out=${1:?usage: build.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/bin" "$out/share"
out=$(cd "$out" && pwd)
export GOFLAGS="-mod=readonly -trimpath -buildvcs=false"
export GOTOOLCHAIN=local # build with the machine's Go, never a downloaded one
export CGO_ENABLED=0    # static binaries, as upstream releases them

mod=github.com/pulumi/pulumi-kubernetes/provider/v4
cd "$here"
modver=$(go list -m -f '{{.Version}}' "$mod")
version=${modver#v}
src=$(go mod download -json "$mod" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$src/cmd/pulumi-resource-kubernetes" ] || { echo "module source not found for $mod@$modver" >&2; exit 1; }

work=$(mktemp -d "$out/.work.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp go.mod go.sum "$work/"
mkdir -p "$work/cmd"
cp -R "$src/cmd/pulumi-resource-kubernetes" "$work/cmd/"
chmod -R u+w "$work/cmd"

echo "[pulumi-kubernetes] go generate (upstream generate.go: schema-embed.json, VERSION=$version)"
(cd "$work/cmd/pulumi-resource-kubernetes" && VERSION="$version" go generate .)
install -m 0644 "$work/cmd/pulumi-resource-kubernetes/schema-embed.json" "$out/share/pulumi-kubernetes-schema.json"

echo "[pulumi-kubernetes] go build pulumi-resource-kubernetes $version"
(cd "$work" && go build \
  -ldflags "-s -w -X $mod/pkg/version.Version=$version" \
  -o "$out/bin/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes)
echo "[pulumi-kubernetes] built $out/bin/pulumi-resource-kubernetes"
