#!/usr/bin/env bash
# Builds the Go plugin-mode program (test/plugin/programs/go: an inline program of Pulumi's Go Automation API, the
# generated Go SDK in sdk/go through a `replace` directive) against Pulumi's Go SDK, github.com/pulumi/pulumi/sdk/v3
# at the CLI's version, from the Go module proxy. No Go language host is needed: the Automation API serves the
# program to the CLI itself.
#
#   GO_PROGRAM=$(bash scripts/install-go-sdk.sh | tail -1 | sed 's/^GO_PROGRAM=//')
#
# The binary lands in ${PULUMI_TOOLS_HOME:-$HOME/.cache/pulumi-firestore-operations}/go-program-<key>, the key
# being the hash of everything it is built from: the program, its go.mod and go.sum, every file of sdk/go, and the
# Go toolchain. A changed SDK builds a new binary (the Go build cache, ~/.cache/go-build, keeps the dependencies
# compiled, so that takes seconds); a run with the binary present builds nothing. The first build on a machine
# downloads the modules (GOFLAGS=-mod=mod: go.sum gains what a regenerated SDK newly needs) and compiles them: a few
# minutes on two cores. Progress goes to stderr; stdout is one line, GO_PROGRAM=<the binary>.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
program_dir=$repo_root/test/plugin/programs/go
sdk_dir=$repo_root/sdk/go
tools_home=${PULUMI_TOOLS_HOME:-$HOME/.cache/pulumi-firestore-operations}
PULUMI_VERSION=$(sed -n 's/^PULUMI_VERSION=//p' "$repo_root/scripts/install-pulumi.sh")

log() { printf 'install-go-sdk: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v go >/dev/null || die "go is not on PATH (needed to build the Go program)"
[[ -f $sdk_dir/go.mod ]] || die "$sdk_dir/go.mod is missing: generate the SDKs (scripts/gen-sdk.sh)"
sdk_module=$(cd "$sdk_dir" && GOWORK=off go list -m)
grep -q "github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION\$" "$program_dir/go.mod" ||
  die "$program_dir/go.mod does not require github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION (the CLI's version)"

# The key: every input by content, with its path (a renamed file is a change), and the toolchain.
key=$({
  (cd "$program_dir" && sha256sum go.mod go.sum ./*.go)
  (cd "$sdk_dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
  go version
} | sha256sum | cut -c1-12)
install_dir=$tools_home/go-program-$key
# shellcheck source=scripts/staged-install.sh
source "$repo_root/scripts/staged-install.sh"

# Complete or absent: a folder is renamed in only when built (those of older runs carry no .install-stamp).
if [[ -x $install_dir/driver ]]; then
  log "the Go program $key is already built"
else
  started=$SECONDS
  log "building the Go program $key against $sdk_module (sdk/go) and sdk/v3 v$PULUMI_VERSION"
  stage go-program
  # A copy of the program, so that neither the build nor -mod=mod writes into the repo.
  mkdir "$staging/src"
  cp "$program_dir"/go.mod "$program_dir"/go.sum "$program_dir"/*.go "$staging/src/"
  (
    cd "$staging/src"
    export GOWORK=off GOFLAGS=-mod=mod
    go mod edit -replace="$sdk_module=$sdk_dir"
    go build -trimpath -buildvcs=false -o "$staging/driver" .
  )
  rm -rf "$staging/src"
  place "$install_dir" "$key"
  log "built into $install_dir in $((SECONDS - started)) s"
fi

printf 'GO_PROGRAM=%s\n' "$install_dir/driver"
