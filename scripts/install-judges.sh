#!/usr/bin/env bash
# Installs the conformance judges that no one here wrote: Google's Python Firestore Admin client
# (google-cloud-firestore from PyPI, in a venv) and Google's Go one (cloud.google.com/go/firestore/apiv1/admin,
# built into a small program), with test/conformance/python-judge and go-judge as their pins and drivers.
#
#   bash scripts/install-judges.sh   # prints PYTHON_JUDGE_PYTHON=<venv python> and GO_JUDGE_BIN=<binary>
#
# Both land in ${PULUMI_TOOLS_HOME:-$HOME/.cache/pulumi-firestore-operations} (the cache install-pulumi.sh uses),
# keyed by what they are built from: the venv by google-cloud-firestore's version and the requirements file's
# hash, the binary by the hash of go.mod, go.sum and the Go source. A build goes to a staging folder that is
# renamed into place only when complete, so a failed or interrupted run leaves nothing half-installed, and a run
# with the cache present builds nothing. Progress goes to stderr; stdout is only those two lines.
#
# To move to newer clients: for Python, install google-cloud-firestore==NEW into a fresh venv and write its
# `pip freeze` into python-judge/requirements.txt; for Go, `go get cloud.google.com/go/firestore@NEW && go mod tidy`
# in go-judge/ (GOFLAGS=-mod=mod) and commit go.mod and go.sum. The new keys rebuild on the next setup.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools_home=${PULUMI_TOOLS_HOME:-$HOME/.cache/pulumi-firestore-operations}
python_dir=$repo_root/test/conformance/python-judge
go_dir=$repo_root/test/conformance/go-judge
python=${PYTHON:-python3}

log() { printf 'install-judges: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
hash_of() { cat "$@" | sha256sum | cut -c1-12; }

# shellcheck source=scripts/staged-install.sh
source "$repo_root/scripts/staged-install.sh"

# --- Python: google-cloud-firestore in a venv ------------------------------------------------------------------
firestore_version=$(sed -n 's/^google-cloud-firestore==//p' "$python_dir/requirements.txt")
[[ -n $firestore_version ]] || die "$python_dir/requirements.txt pins no google-cloud-firestore version"
command -v "$python" >/dev/null || die "$python is not on PATH (set PYTHON to a Python 3.9 or newer)"
python_version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
venv=$tools_home/python-judge-$firestore_version-$(hash_of "$python_dir/requirements.txt")
python_stamp="google-cloud-firestore=$firestore_version python=$python_version"
if [[ -x $venv/bin/python ]] && installed "$venv" "$python_stamp"; then
  log "google-cloud-firestore $firestore_version already installed"
else
  started=$SECONDS
  log "installing google-cloud-firestore $firestore_version (Python $python_version) from PyPI"
  # Every package is pinned in the file, so nothing else is resolved; `pip check` proves the set is whole.
  stage_venv python-judge google.cloud.firestore_admin_v1 --no-deps -r "$python_dir/requirements.txt"
  place "$venv" "$python_stamp"
  log "installed into $venv in $((SECONDS - started)) s"
fi

# --- Go: the judge program, built against the pinned modules ------------------------------------------------------
command -v go >/dev/null || die "go is not on PATH (needed to build the Go judge)"
go_key=$(hash_of "$go_dir/go.mod" "$go_dir/go.sum" "$go_dir"/*.go)
go_install=$tools_home/go-judge-$go_key
if [[ -x $go_install/go-judge ]] && installed "$go_install" "$go_key"; then
  log "go-judge $go_key already built"
else
  started=$SECONDS
  log "building go-judge $go_key (cloud.google.com/go/firestore $(sed -n 's/^\s*cloud.google.com\/go\/firestore //p' "$go_dir/go.mod"))"
  stage go-judge
  # -mod=readonly: go.sum is the pin; a module missing from it fails the build rather than being added.
  (cd "$go_dir" && GOWORK=off GOFLAGS=-mod=readonly go build -trimpath -buildvcs=false -o "$staging/go-judge" .)
  place "$go_install" "$go_key"
  log "built into $go_install in $((SECONDS - started)) s"
fi

printf 'PYTHON_JUDGE_PYTHON=%s\n' "$venv/bin/python"
printf 'GO_JUDGE_BIN=%s\n' "$go_install/go-judge"
