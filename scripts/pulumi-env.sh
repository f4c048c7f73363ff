# shellcheck shell=bash
# Offline environment for the Pulumi CLI installed by scripts/install-pulumi.sh.
#
#   source scripts/pulumi-env.sh [STATE_DIR]
#
# STATE_DIR (created if missing; default: state/ in the tools cache) holds the
# file backend's stacks and PULUMI_HOME, so no global ~/.pulumi is read or
# written. Keep in sync with pulumiEnv() in test/support/pulumi-cli.ts (the smoke
# test compares the two).

_pulumi_env_main() {
  # The pinned version is read from the install script, so it is written down once.
  local version
  version=$(sed -n 's/^PULUMI_VERSION=//p' "$(dirname "${BASH_SOURCE[0]}")/install-pulumi.sh")
  local tools_home=${PULUMI_TOOLS_HOME:-$HOME/.cache/pulumi-firestore-operations}
  local bin_dir=${PULUMI_BIN_DIR:-$tools_home/pulumi-$version/bin}
  local state_dir=${1:-$tools_home/state}

  if [[ ! -x $bin_dir/pulumi || ! -x $bin_dir/pulumi-language-nodejs || ! -e $bin_dir/pulumi-resource-pulumi-nodejs ]]; then
    echo "pulumi-env.sh: no Pulumi tools in $bin_dir; run: bash scripts/install-pulumi.sh" >&2
    return 1
  fi
  mkdir -p "$state_dir" || return 1
  state_dir=$(cd "$state_dir" && pwd -P) || return 1

  # Our tools first: the engine finds pulumi-language-nodejs and the dynamic
  # provider script pulumi-resource-pulumi-nodejs on PATH ("ambient" plugins).
  export PATH="$bin_dir:$PATH"
  export PULUMI_BACKEND_URL="file://$state_dir"
  export PULUMI_HOME="$state_dir/home" # not $state_dir/.pulumi: the file backend writes there
  # Dev-only passphrase for the local secrets provider; an explicit one wins.
  if [[ -z ${PULUMI_CONFIG_PASSPHRASE:-} && -z ${PULUMI_CONFIG_PASSPHRASE_FILE:-} ]]; then
    export PULUMI_CONFIG_PASSPHRASE="pulumi-firestore-operations-dev"
  fi
  export PULUMI_SKIP_UPDATE_CHECK=true                    # no version check against the service
  export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true    # Automation API: don't compare CLI versions
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true # never download plugins
  export PULUMI_DISABLE_REGISTRY_RESOLVE=true             # `pulumi install`: no Pulumi Registry look-ups
  export PULUMI_SKIP_CONFIRMATIONS=true                   # no prompts (destroy, refresh ...)
  export PULUMI_DISABLE_CI_DETECTION=true                 # same behaviour in CI as on a laptop
  # A user's setting that would hide our tools from the engine.
  unset PULUMI_IGNORE_AMBIENT_PLUGINS
  mkdir -p "$PULUMI_HOME"
}

if _pulumi_env_main "$@"; then
  unset -f _pulumi_env_main
else
  unset -f _pulumi_env_main
  # shellcheck disable=SC2317 # `exit` is only reached when the file is run rather than sourced
  return 1 2>/dev/null || exit 1
fi
