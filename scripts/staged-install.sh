# Sourced by the install scripts that build into the tools cache (install-judges.sh, install-python-env.sh,
# install-go-sdk.sh): a build goes to a staging folder in the cache that is renamed into place only when complete,
# so a failed or interrupted run leaves nothing half-installed. The caller sets `tools_home` and defines `log` and
# `die` first; sourcing sets the EXIT, INT and TERM traps that remove what was staged and not placed.

staging_dirs=()
remove_staged() { for dir in "${staging_dirs[@]}"; do rm -rf "$dir"; done; }
trap remove_staged EXIT
trap 'exit 130' INT # run the EXIT trap on Ctrl-C and kill too
trap 'exit 143' TERM

# stage NAME: sets `staging` to a fresh staging folder in the cache (removing those of runs killed long ago).
stage() {
  mkdir -p "$tools_home"
  find "$tools_home" -maxdepth 1 -name ".staging-$1.*" -mmin +120 -exec rm -rf {} + 2>/dev/null || true
  staging=$(mktemp -d "$tools_home/.staging-$1.XXXXXX")
  chmod 755 "$staging" # mktemp makes it 0700
  staging_dirs+=("$staging")
}

# stage_venv NAME IMPORTS PIP_ARGS...: stages a venv of `$python` (the caller's interpreter) with PIP_ARGS installed
# from PyPI, whole (`pip check`) and able to run `import IMPORTS`.
stage_venv() {
  local imports=$2
  stage "$1"
  shift 2
  # A venv's interpreter finds its packages relative to itself, so the renamed venv works (the scripts pip writes
  # name the staging folder in their shebangs: only `python -m` is ever run).
  "$python" -m venv "$staging"
  "$staging/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: "$@" >&2
  "$staging/bin/python" -m pip check >&2
  "$staging/bin/python" -c "import $imports" || die "import $imports fails in the new venv"
}

# installed DIR STAMP: DIR holds a complete build of STAMP.
installed() { [[ -f $1/.install-stamp && $(<"$1/.install-stamp") == "$2" ]]; }

# place TARGET STAMP: stamps the build in `staging` and renames it into place. Another run may have placed the same
# build meanwhile: then that one stays (a test may be using it) and ours is dropped with the staging folder.
place() {
  printf '%s\n' "$2" >"$staging/.install-stamp"
  if installed "$1" "$2"; then
    log "another run installed $1 meanwhile; using it"
    return
  fi
  if [[ -e $1 ]]; then # incomplete or of another stamp: swap it out
    mv -T "$1" "$staging.old"
    rm -rf "$staging.old"
  fi
  mv -T "$staging" "$1" || installed "$1" "$2" || die "could not move $staging into $1"
}
