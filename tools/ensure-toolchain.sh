#!/usr/bin/env bash
# Builds (only when missing) every pinned toolchain component under tools/*/ into the cache and
# prints a PATH fragment (colon-separated bin dirs) as the LAST line of stdout. Progress goes to
# stderr. See tools/README.md.
#
#   tools/ensure-toolchain.sh [COMPONENT...]     default: every tools/*/build.sh except bench-only ones
#   export PATH="$(tools/ensure-toolchain.sh | tail -n1):$PATH"
#   eval "$(tools/ensure-toolchain.sh --env)"     instead prints shell lines:
#       export VLLM_PULUMI_TOOL_<NAME>=<component folder>   (one per component; bin/ and share/)
#       export VLLM_PULUMI_TOOLCHAIN_PATH=<PATH fragment>
#
# Cache: ${VLLM_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vllm-pulumi}/toolchain/<name>-<hash>/
#   <hash> covers every file of tools/<name>/ (pins, lock, build script, own sources), the Go
#   version and the platform. A folder counts only when it holds the .complete stamp, which is
#   written after a successful build in a temp folder that is then renamed into place, so an
#   interrupted build is never taken for a finished one. Also written: toolchain/path (the PATH
#   fragment of the last run), toolchain/components.env (the --env lines of the last run) and
#   toolchain/logs/<name>-<hash>.log (full build output).
#
# Env:
#   VLLM_PULUMI_CACHE       cache root (see above)
#   VLLM_PULUMI_BUILD_CLI   1 = always build the pulumi-cli component, even if a compatible
#                           `pulumi` is on PATH (0 = never build it; default: auto)
#   VLLM_PULUMI_HEARTBEAT   seconds between "still building" lines (default 30)
#   VLLM_PULUMI_TOOLCHAIN_VERBOSE  1 = one line per cached component (default: one summary line)
set -euo pipefail

tools_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${VLLM_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vllm-pulumi}
tc="$cache/toolchain"
heartbeat=${VLLM_PULUMI_HEARTBEAT:-30}
mkdir -p "$tc/logs"

log() { printf '[toolchain] %s\n' "$*" >&2; }
fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

command -v go >/dev/null 2>&1 || {
  if [ -x /usr/local/go/bin/go ]; then PATH="/usr/local/go/bin:$PATH"; else
    log "error: Go is needed to build the toolchain (https://go.dev/doc/install); none found on PATH"; exit 1
  fi
}
go_version=$(go env GOVERSION)
platform="$(go env GOOS)-$(go env GOARCH)"

# One build at a time per cache, taken only when something must be built, so a caller whose
# components are all cached never waits for someone else's unrelated build.
locked=""
take_lock() {
  [ -n "$locked" ] && return 0
  locked=1
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$tc/.lock"
  if ! flock -n 9; then
    log "another toolchain build holds $tc/.lock; waiting for it"
    flock 9
  fi
  # We hold the lock, so every temp folder left is from a build that was killed.
  for stale in "$tc"/.tmp-*; do
    [ -e "$stale" ] || continue
    log "removing leftover of an interrupted build: $stale"
    chmod -R u+w "$stale" 2>/dev/null || true
    rm -rf "$stale"
  done
}

component_hash() { # dir -> short hash of its files + go version + platform
  local dir=$1
  {
    (cd "$dir" && find . -type f ! -name '*.log' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    echo "$go_version $platform"
  } | sha256sum | cut -c1-12
}

pinned_cli_version() { # from tools/pulumi-cli/go.mod
  sed -n 's#^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 v\([0-9.]*\).*#\1#p' "$tools_dir/pulumi-cli/go.mod" | head -n1
}

version_ge() { # a >= b for dotted numeric versions
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]
}

# Rule (tools/README.md): a `pulumi` on PATH that is not ours, reports v3.x >= the pinned CLI
# version, and has pulumi-language-nodejs beside it is used as is; the pulumi-cli component
# is then neither built nor put on PATH (its language host would shadow the bundled one).
external_pulumi_ok() {
  [ "${VLLM_PULUMI_BUILD_CLI:-auto}" = 1 ] && return 1
  [ "${VLLM_PULUMI_BUILD_CLI:-auto}" = 0 ] && return 0
  local p v want real
  p=$(command -v pulumi 2>/dev/null) || return 1
  real=$(readlink -f "$p")
  case "$real" in "$tc"/*) return 1 ;; esac
  [ -x "$(dirname "$real")/pulumi-language-nodejs" ] || command -v pulumi-language-nodejs >/dev/null 2>&1 || return 1
  v=$(PULUMI_SKIP_UPDATE_CHECK=true "$p" version 2>/dev/null | head -n1) || return 1
  v=${v#v}; v=${v%%[-+]*}
  want=$(pinned_cli_version)
  case "$v" in 3.*) ;; *) return 1 ;; esac
  if version_ge "$v" "$want"; then
    log "pulumi-cli: using $p (v$v >= pinned v$want); not building it"
    return 0
  fi
  log "pulumi-cli: ignoring $p (v$v < pinned v$want)"
  return 1
}

build_pid="" build_tmp=""
on_interrupt() {
  if [ -n "$build_pid" ]; then
    log "interrupted: stopping the build (process group $build_pid) and removing $build_tmp"
    kill -TERM -- "-$build_pid" 2>/dev/null || kill -TERM "$build_pid" 2>/dev/null || true
    wait "$build_pid" 2>/dev/null || true
    chmod -R u+w "$build_tmp" 2>/dev/null || true # copies from the read-only module cache
    rm -rf "$build_tmp"
  fi
  exit 130
}

build_component() { # name dir final
  local name=$1 dir=$2 final=$3 tmp logf pid start now rc last
  tmp="$tc/.tmp-$(basename "$final").$$"
  logf="$tc/logs/$(basename "$final").log"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  start=$(date +%s)
  log "$name: building into $final (log: $logf)"
  # Own process group, so an interrupted ensure stops the whole build (go and its compilers).
  if command -v setsid >/dev/null 2>&1; then
    setsid bash "$dir/build.sh" "$tmp" >"$logf" 2>&1 </dev/null &
  else
    bash "$dir/build.sh" "$tmp" >"$logf" 2>&1 </dev/null &
  fi
  pid=$!
  build_pid=$pid build_tmp=$tmp
  trap 'on_interrupt' INT TERM
  # Heartbeat: never stay silent for long; show the last step the build printed.
  while kill -0 "$pid" 2>/dev/null; do
    for _ in $(seq 1 "$heartbeat"); do
      sleep 1
      kill -0 "$pid" 2>/dev/null || break
    done
    if kill -0 "$pid" 2>/dev/null; then
      now=$(date +%s)
      last=$(grep -E '^\[' "$logf" 2>/dev/null | tail -n1 || true)
      log "$name: still building, $(fmt_secs $((now - start))) elapsed${last:+ — $last}"
    fi
  done
  rc=0
  wait "$pid" || rc=$?
  trap - INT TERM
  build_pid="" build_tmp=""
  now=$(date +%s)
  if [ "$rc" -ne 0 ]; then
    log "$name: FAILED after $(fmt_secs $((now - start))) (exit $rc); last lines of $logf:"
    tail -n 25 "$logf" | sed 's/^/    /' >&2
    chmod -R u+w "$tmp" 2>/dev/null || true
    rm -rf "$tmp"
    return "$rc"
  fi
  printf 'component=%s\nhash=%s\ngo=%s\nbuilt=%s\nseconds=%s\n' \
    "$name" "${final##*-}" "$go_version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$((now - start))" >"$tmp/.complete"
  rm -rf "$final" # an incomplete leftover, if any
  mv "$tmp" "$final"
  log "$name: built in $(fmt_secs $((now - start)))"
}

mode=path
if [ "${1:-}" = --env ]; then mode="env"; shift; fi
components=("$@")
if [ ${#components[@]} -eq 0 ]; then
  # A component with a bench-only file (e.g. conftest) is built only when named.
  for f in "$tools_dir"/*/build.sh; do
    [ -e "$(dirname "$f")/bench-only" ] || components+=("$(basename "$(dirname "$f")")")
  done
fi

path_fragment=""
dirs_env=""
overall=$(date +%s)
# One line when everything is cached (every script and test run passes through here; per-component
# lines only with VLLM_PULUMI_TOOLCHAIN_VERBOSE=1), so a user's command output stays readable.
cached_count=0
for name in "${components[@]}"; do
  dir="$tools_dir/$name"
  [ -f "$dir/build.sh" ] || { log "error: no $dir/build.sh"; exit 1; }
  if [ "$name" = pulumi-cli ] && external_pulumi_ok; then
    continue
  fi
  final="$tc/$name-$(component_hash "$dir")"
  if [ ! -f "$final/.complete" ]; then
    take_lock
  fi
  # Checked again under the lock: the build we waited for may have been this one.
  if [ -f "$final/.complete" ]; then
    cached_count=$((cached_count + 1))
    [ "${VLLM_PULUMI_TOOLCHAIN_VERBOSE:-0}" = 1 ] && log "$name: cached ($final)"
  else
    build_component "$name" "$dir" "$final"
  fi
  var=$(printf '%s' "$name" | tr 'a-z-' 'A-Z_')
  dirs_env+="export VLLM_PULUMI_TOOL_${var}=$final"$'\n'
  if [ -d "$final/bin" ]; then
    path_fragment="${path_fragment:+$path_fragment:}$final/bin"
  fi
done

printf '%s\n' "$path_fragment" >"$tc/path"
printf '%s' "$dirs_env" >"$tc/components.env"
log "ready in $(fmt_secs $(($(date +%s) - overall))) ($cached_count of ${#components[@]} components cached); PATH fragment also in $tc/path"
if [ "$mode" = env ]; then
  printf '%s' "$dirs_env"
  printf 'export VLLM_PULUMI_TOOLCHAIN_PATH=%s\n' "$path_fragment"
else
  printf '%s\n' "$path_fragment"
fi
