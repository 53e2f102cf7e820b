# shellcheck shell=bash
# Source me (bash/zsh):  . tools/env.sh
#
# Makes sure the pinned toolchain is built (tools/ensure-toolchain.sh: a no-op check when the cache
# is complete, a build with progress lines otherwise), puts its bin dirs first on PATH and sets
# the environment the Pulumi CLI needs to run offline against a local file backend.
# Variables already set by the caller win, except PATH. See tools/README.md.
#
#   VLLM_PULUMI_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/vllm-pulumi)

_vp_tools_dir=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)
_vp_cache=${VLLM_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vllm-pulumi}

if _vp_env=$(bash "$_vp_tools_dir/ensure-toolchain.sh" --env); then
  # VLLM_PULUMI_TOOL_<NAME>=<component folder> (its bin/ and share/), VLLM_PULUMI_TOOLCHAIN_PATH
  eval "$_vp_env"
  _vp_path=$VLLM_PULUMI_TOOLCHAIN_PATH
  if [ -n "$_vp_path" ]; then
    case ":$PATH:" in
      *":$_vp_path:"*) ;;
      *) export PATH="$_vp_path:$PATH" ;;
    esac
  fi

  # Offline Pulumi: no update check, no plugin downloads, no registry look-ups, state and
  # plugin cache under our cache folder instead of ~/.pulumi.
  export PULUMI_HOME="${PULUMI_HOME:-$_vp_cache/pulumi-home}"
  export PULUMI_SKIP_UPDATE_CHECK="${PULUMI_SKIP_UPDATE_CHECK:-true}"
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="${PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION:-true}"
  export PULUMI_DISABLE_REGISTRY_RESOLVE="${PULUMI_DISABLE_REGISTRY_RESOLVE:-true}"
  export PULUMI_SUPPRESS_NEO_LINK="${PULUMI_SUPPRESS_NEO_LINK:-true}"
  export PULUMI_DIY_BACKEND_NO_LEGACY_WARNING="${PULUMI_DIY_BACKEND_NO_LEGACY_WARNING:-true}"
  export PULUMI_CREDENTIAL_STORE="${PULUMI_CREDENTIAL_STORE:-plaintext}"
  # Providers are ambient plugins (found on PATH), so this must stay unset or false.
  if [ -n "${PULUMI_IGNORE_AMBIENT_PLUGINS:-}" ] && [ "${PULUMI_IGNORE_AMBIENT_PLUGINS}" != false ]; then
    echo "[toolchain] warning: PULUMI_IGNORE_AMBIENT_PLUGINS is set; the providers on PATH will not be found" >&2
  fi
  mkdir -p "$PULUMI_HOME"
else
  echo "[toolchain] error: tools/ensure-toolchain.sh failed; PATH unchanged" >&2
  unset _vp_tools_dir _vp_cache _vp_path _vp_env
  # shellcheck disable=SC2317 # exit only when executed instead of sourced
  return 1 2>/dev/null || exit 1
fi
unset _vp_tools_dir _vp_cache _vp_path _vp_env
