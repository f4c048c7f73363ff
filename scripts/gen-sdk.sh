#!/usr/bin/env bash
# Generates the plugin's Python and Go SDKs (sdk/python, sdk/go) from schema.json with Pulumi's own code
# generators: scripts/pulumi-gen-sdk, a small Go program over the codegen packages of github.com/pulumi/pulumi/pkg/v3
# at the CLI's version (`pulumi package gen-sdk` would ask each language's host, and none but YAML's builds here).
#
#   bash scripts/gen-sdk.sh             rewrite sdk/python and sdk/go (run it after changing schema.json)
#   bash scripts/gen-sdk.sh --out DIR   write DIR/python and DIR/go instead (test/plugin/sdk-fresh.test.ts compares
#                                       them with the committed sdk/)
#
# The generator is built once per Pulumi version and main.go content, into
# ${PULUMI_TOOLS_HOME:-$HOME/.cache/pulumi-firestore-operations}/pulumi-gen-sdk/, and renamed into place only when
# complete; a run with it present builds nothing. Progress goes to stderr.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PULUMI_VERSION=$(sed -n 's/^PULUMI_VERSION=//p' "$repo_root/scripts/install-pulumi.sh")
generator_source=$repo_root/scripts/pulumi-gen-sdk/main.go
tools_home=${PULUMI_TOOLS_HOME:-$HOME/.cache/pulumi-firestore-operations}
generator_dir=$tools_home/pulumi-gen-sdk/v$PULUMI_VERSION-$(sha256sum "$generator_source" | cut -c1-12)
generator=$generator_dir/pulumi-gen-sdk
# The SDKs' dependency on Pulumi's Go SDK: the CLI's version (the generator writes a fixed older one).
pulumi_go_sdk=github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION

log() { printf 'gen-sdk: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

out_dir=$repo_root/sdk
case ${1:-} in
  "") ;;
  --out)
    [[ -n ${2:-} ]] || die "--out needs a folder"
    out_dir=$2
    ;;
  *)
    echo "usage: bash scripts/gen-sdk.sh [--out DIR]" >&2
    exit 2
    ;;
esac

command -v go >/dev/null || die "go is not on PATH (needed to build the SDK generator and to write sdk/go/go.mod)"
# The wrapper module below is the one module in play, with the go.sum entries resolved as it goes.
export GOWORK=off GOFLAGS=-mod=mod

if [[ ! -x $generator ]]; then
  # shellcheck source=scripts/go-wrapper-module.sh
  source "$repo_root/scripts/go-wrapper-module.sh"
  mkdir -p "$tools_home/pulumi-gen-sdk"
  work=$(mktemp -d "$tools_home/pulumi-gen-sdk/.build.XXXXXX") # beside the target: the rename is atomic
  trap 'rm -rf "$work"' EXIT
  started=$SECONDS
  log "building the SDK generator against pkg/v3 v$PULUMI_VERSION (once; minutes on a cold Go cache)"
  new_wrapper "$work/module" "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION"
  cp "$generator_source" "$work/module/main.go"
  (cd "$work/module" && go build -trimpath -ldflags "-s -w" -o "$work/pulumi-gen-sdk" .)
  mkdir -p "$generator_dir"
  mv -f "$work/pulumi-gen-sdk" "$generator"
  log "built $generator in $((SECONDS - started)) s"
fi

"$generator" "$repo_root/schema.json" "$out_dir" python go
# The generator's go.mod requires an older sdk/v3 and misses what the generated code imports besides it (semver):
# tidied, the module builds as it is, and a program that `replace`s it to the folder gets its requirements.
go mod edit -require="$pulumi_go_sdk" "$out_dir/go/go.mod"
(cd "$out_dir/go" && go mod tidy)

# The package version is the schema's (language.python.respectSchemaVersion): never the generator's placeholder.
version=$(node -p 'require(process.argv[1]).version' "$repo_root/schema.json")
grep -qx "  version = \"$version\"" "$out_dir/python/pyproject.toml" ||
  die "sdk/python/pyproject.toml does not carry the schema's version $version"
