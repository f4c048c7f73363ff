#!/usr/bin/env bash
# Installs the Pulumi CLI offline: `pulumi` is built from the Go modules of one
# pinned release (no binary can be downloaded here), next to a Node.js language
# host and a link to @pulumi/pulumi's dynamic provider script.
#
#   PULUMI_BIN=$(bash scripts/install-pulumi.sh | tail -1)
#
# The tools land in ${PULUMI_TOOLS_HOME:-$HOME/.cache/pulumi-firestore-operations}/pulumi-<version>/bin,
# keyed by version and independent of where the repo is cloned. A build goes to a
# temporary folder that is renamed into place only when complete, so a failed or
# interrupted run leaves nothing half-installed, and a run with the cache present
# rebuilds nothing. Progress goes to stderr; the bin dir is the last stdout line.
set -euo pipefail

# --- Pins ---------------------------------------------------------------------
# The CLI: github.com/pulumi/pulumi/pkg/v3 (./cmd/pulumi) with sdk/v3 at the same version.
PULUMI_VERSION=3.274.1
# The upstream Node.js language host (module
# github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is only
# published as pseudo-versions (v3.0.0-<date>-<commit>). The module proxy reachable
# here serves none of them (403 for the module's version list, for commit queries and
# for pseudo-versions; its .info for v3.274.1 carries no Origin commit either), so
# this stays empty and the small host in scripts/pulumi-language-nodejs/main.go, built against
# sdk/v3 at PULUMI_VERSION, is used. Where the module is served, set this to the
# pseudo-version of the v3.274.1 release commit (go list -m -json
# github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@<commit>) and the
# upstream host is built instead.
PULUMI_LANGUAGE_NODEJS_VERSION=""

# --- Paths --------------------------------------------------------------------
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools_home=${PULUMI_TOOLS_HOME:-$HOME/.cache/pulumi-firestore-operations}
install_dir=$tools_home/pulumi-$PULUMI_VERSION
bin_dir=$install_dir/bin
dynamic_provider_script=$repo_root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs
# The stamp names what was built; a changed language host source means a rebuild.
host_source=$repo_root/scripts/pulumi-language-nodejs/main.go
stamp="pulumi=v$PULUMI_VERSION language-nodejs=${PULUMI_LANGUAGE_NODEJS_VERSION:-minimal-$(sha256sum "$host_source" | cut -c1-12)}"

# shellcheck source=scripts/go-wrapper-module.sh
source "$repo_root/scripts/go-wrapper-module.sh"

log() { printf 'install-pulumi: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v node >/dev/null || die "node is not on PATH"
[[ -f $dynamic_provider_script ]] ||
  die "$dynamic_provider_script is missing: run 'npm ci' in $repo_root first"

# is_installed DIR: the tools in DIR are complete and of the pinned versions.
is_installed() {
  [[ -x $1/pulumi && -x $1/pulumi-language-nodejs && -f $1/.install-stamp ]] &&
    [[ $(cat "$1/.install-stamp") == "$stamp" ]] &&
    [[ $("$1/pulumi" version 2>/dev/null) == "v$PULUMI_VERSION" ]]
}

# link_dynamic_provider DIR: put @pulumi/pulumi's pulumi-resource-pulumi-nodejs in DIR. It is a copy, not a link:
# the script resolves @pulumi/pulumi from the program directory it runs in, so it does not depend on the
# checkout it came from (the cache is shared by every checkout, and a CI clone may be deleted).
link_dynamic_provider() {
  local tmp="$1/.pulumi-resource-pulumi-nodejs.$$"
  cp "$dynamic_provider_script" "$tmp"
  chmod 755 "$tmp"
  mv -Tf "$tmp" "$1/pulumi-resource-pulumi-nodejs" # rename: atomic for concurrent readers
}

finish() {
  link_dynamic_provider "$bin_dir"
  log "pulumi-resource-pulumi-nodejs from @pulumi/pulumi $(node -p 'require(process.argv[1]).version' "$repo_root/node_modules/@pulumi/pulumi/package.json") in $bin_dir"
  printf '%s\n' "$bin_dir"
  exit 0
}

main() {
  if is_installed "$bin_dir"; then
    log "pulumi v$PULUMI_VERSION already installed"
    finish
  fi

  mkdir -p "$tools_home"
  # Stale staging folders of runs killed long ago (not of runs still going on).
  find "$tools_home" -maxdepth 1 -name '.staging-*' -mmin +120 -exec rm -rf {} + 2>/dev/null || true
  staging=$(mktemp -d "$tools_home/.staging-pulumi-$PULUMI_VERSION.XXXXXX")
  work=$(mktemp -d "${TMPDIR:-/tmp}/install-pulumi.XXXXXX")
  trap 'rm -rf "$staging" "$work"' EXIT
  trap 'exit 130' INT # run the EXIT trap on Ctrl-C and kill too
  trap 'exit 143' TERM
  mkdir -p "$staging/bin"
  chmod 755 "$staging" # mktemp makes it 0700

  # --- Reuse tools already on PATH (outside our cache) -----------------------------
  existing_pulumi=$(command -v pulumi || true)
  existing_host=$(command -v pulumi-language-nodejs || true)
  if [[ -n $existing_pulumi && -n $existing_host && ! $(dirname "$existing_pulumi") -ef $bin_dir ]] &&
    [[ $("$existing_pulumi" version 2>/dev/null || true) == "v$PULUMI_VERSION" ]]; then
    log "using pulumi v$PULUMI_VERSION from $existing_pulumi and $existing_host"
    ln -s "$existing_pulumi" "$staging/bin/pulumi"
    ln -s "$existing_host" "$staging/bin/pulumi-language-nodejs"
  else
    # --- Build from Go modules ------------------------------------------------------
    command -v go >/dev/null || die "go is not on PATH (needed to build pulumi v$PULUMI_VERSION)"
    export GOWORK=off GOFLAGS=-mod=mod
    ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"

    started=$SECONDS
    log "building pulumi v$PULUMI_VERSION from Go modules (a few minutes when the Go caches are cold)"
    new_wrapper "$work/cli" "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" \
      "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
    (cd "$work/cli" && go build -trimpath -ldflags "$ldflags" -o "$staging/bin/pulumi" \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)

    if [[ -n $PULUMI_LANGUAGE_NODEJS_VERSION ]]; then
      log "building pulumi-language-nodejs $PULUMI_LANGUAGE_NODEJS_VERSION"
      new_wrapper "$work/host" \
        "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$PULUMI_LANGUAGE_NODEJS_VERSION" \
        "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
      (cd "$work/host" && go build -trimpath -ldflags "$ldflags" -o "$staging/bin/pulumi-language-nodejs" \
        github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
    else
      log "building the minimal pulumi-language-nodejs against sdk/v3 v$PULUMI_VERSION"
      new_wrapper "$work/host" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
      cp "$repo_root/scripts/pulumi-language-nodejs/main.go" "$work/host/main.go"
      (cd "$work/host" && go build -trimpath -ldflags "$ldflags" -o "$staging/bin/pulumi-language-nodejs" .)
    fi
    log "built in $((SECONDS - started))s"
  fi

  printf '%s\n' "$stamp" >"$staging/bin/.install-stamp"
  is_installed "$staging/bin" || die "the tools in $staging/bin do not report v$PULUMI_VERSION"

  # --- Move into place --------------------------------------------------------------
  if [[ -e $install_dir ]]; then
    if is_installed "$bin_dir"; then
      log "another run installed pulumi v$PULUMI_VERSION meanwhile; using it"
      finish
    fi
    # Outdated (older language host revision) or broken: swap it out.
    mv -T "$install_dir" "$staging.old"
    rm -rf "$staging.old"
  fi
  mv -T "$staging" "$install_dir" || is_installed "$bin_dir" || die "could not move the tools into $install_dir"
  log "installed into $bin_dir"
  finish
}

main "$@"
