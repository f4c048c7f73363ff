#!/usr/bin/env bash
# Installs Pulumi's YAML language host, `pulumi-language-yaml`, built from Go modules next to the Pulumi CLI that
# scripts/install-pulumi.sh installed (the engine looks for a bundled language host next to its own executable, then
# on PATH). Run install-pulumi.sh first.
#
#   bash scripts/install-yaml-host.sh
#
# github.com/pulumi/pulumi-yaml is built against the pkg/v3 and sdk/v3 its own go.mod requires (v3.206.0 for
# v1.25.0): its code does not compile against the CLI's (the plugin loader's signatures changed in between), and the
# host talks to the CLI over gRPC, which is compatible. The binary is built in a temporary folder and renamed into
# place; a stamp file names what was built, so a run with it present rebuilds nothing (and needs no Go). Progress goes
# to stderr. scripts/setup.sh runs it.
set -euo pipefail

# The newest pulumi-yaml release the Go module proxy serves here (it also serves v1.11.1, and no other).
PULUMI_YAML_VERSION=1.25.0

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PULUMI_VERSION=$(sed -n 's/^PULUMI_VERSION=//p' "$repo_root/scripts/install-pulumi.sh")
tools_home=${PULUMI_TOOLS_HOME:-$HOME/.cache/pulumi-firestore-operations}
bin_dir=$tools_home/pulumi-$PULUMI_VERSION/bin
stamp_file=$bin_dir/.yaml-host-stamp
stamp="pulumi-yaml=v$PULUMI_YAML_VERSION pulumi=v$PULUMI_VERSION"

# shellcheck source=scripts/go-wrapper-module.sh
source "$repo_root/scripts/go-wrapper-module.sh"

log() { printf 'install-yaml-host: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ -x $bin_dir/pulumi ]] || die "no Pulumi CLI in $bin_dir: run 'bash scripts/install-pulumi.sh' first"
if [[ -x $bin_dir/pulumi-language-yaml && -f $stamp_file && $(<"$stamp_file") == "$stamp" ]]; then
  log "pulumi-language-yaml v$PULUMI_YAML_VERSION already installed"
  exit 0
fi

command -v go >/dev/null || die "go is not on PATH (needed to build pulumi-language-yaml)"
export GOWORK=off GOFLAGS=-mod=mod
work=$(mktemp -d "${TMPDIR:-/tmp}/install-yaml-host.XXXXXX")
trap 'rm -rf "$work" "$bin_dir/.pulumi-language-yaml.$$"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
yaml_gomod=$(cd "$work" && go mod download -json "github.com/pulumi/pulumi-yaml@v$PULUMI_YAML_VERSION" |
  node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8")); if (j.Error) { console.error(j.Error); process.exit(1); } console.log(j.GoMod);')
yaml_pulumi_version=$(go mod edit -json "$yaml_gomod" |
  node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(j.Require.find((r) => r.Path === "github.com/pulumi/pulumi/pkg/v3").Version.slice(1));')
log "building pulumi-language-yaml v$PULUMI_YAML_VERSION against pkg/v3 v$yaml_pulumi_version (its own requirement)"
# new_wrapper pins sdk/v3 at PULUMI_VERSION: here, the version pulumi-yaml requires, not the CLI's.
PULUMI_VERSION=$yaml_pulumi_version new_wrapper "$work/yaml" "github.com/pulumi/pulumi-yaml@v$PULUMI_YAML_VERSION"
(cd "$work/yaml" && go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$PULUMI_YAML_VERSION" \
  -o "$bin_dir/.pulumi-language-yaml.$$" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml)
log "built in $((SECONDS - started))s"

mv -f "$bin_dir/.pulumi-language-yaml.$$" "$bin_dir/pulumi-language-yaml" # rename in one folder: atomic
printf '%s\n' "$stamp" >"$stamp_file.tmp"
mv -f "$stamp_file.tmp" "$stamp_file"
log "installed into $bin_dir"
