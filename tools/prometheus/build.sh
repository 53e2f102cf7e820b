#!/usr/bin/env bash
# Builds Prometheus (prometheus + promtool) from github.com/prometheus/prometheus, pinned by this
# module's go.mod/go.sum, into OUT_DIR/bin.  Usage: tools/prometheus/build.sh OUT_DIR
#
# Prometheus 3.x is published as Go module versions v0.3XX.Y (v0.313.1 = Prometheus 3.13.1, its
# VERSION file).  Its go.mod has a `replace`, which the wrapper's go.mod repeats; the module zip
# also carries a go.work naming nested modules that are not in the zip, so GOWORK=off.
# Built without the `builtinassets` tag: the web UI needs an npm build that is not in the module
# zip, so the UI pages are absent while the HTTP API (all the project uses) works.
set -euo pipefail

OUT_DIR=${1:?usage: $0 OUT_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
mkdir -p "$OUT_DIR/bin"
OUT_DIR=$(cd "$OUT_DIR" && pwd)

export GOFLAGS="-mod=readonly -buildvcs=false"
export GOTOOLCHAIN=local
export CGO_ENABLED=0
export GOWORK=off

mod=github.com/prometheus/prometheus
modver=$(go list -m -f '{{.Version}}' "$mod") # e.g. v0.313.1
go mod download "$mod" # .Dir is empty until the module is in the module cache (a fresh machine)
src=$(go list -m -f '{{.Dir}}' "$mod")
version=$(cat "$src/VERSION")                # e.g. 3.13.1
[[ $modver == "v0.$(printf '%d%02d' "${version%%.*}" "$(cut -d. -f2 <<<"$version")").${version##*.}" ]] ||
  { echo "[tools/prometheus] module $modver does not match VERSION $version" >&2; exit 1; }

# Same version ldflag as upstream's .promu.yml; `netgo` as upstream tags its release builds.
echo "[tools/prometheus] go build $mod $modver (Prometheus $version): prometheus promtool -> $OUT_DIR/bin" >&2
go build -trimpath -tags netgo -ldflags "-s -w -X github.com/prometheus/common/version.Version=$version" \
  -o "$OUT_DIR/bin/" "$mod/cmd/prometheus" "$mod/cmd/promtool"
"$OUT_DIR/bin/prometheus" --version >&2
"$OUT_DIR/bin/promtool" --version >&2
