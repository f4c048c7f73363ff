#!/usr/bin/env bash
# Installs the Python environment the Python plugin-mode programs run in: a venv with Pulumi's Python SDK, `pulumi`
# from PyPI, at the version pinned below (the newest PyPI serves here). No Python language host is needed: the
# programs are inline programs of the Python Automation API (test/plugin/programs/python).
#
#   PULUMI_PYTHON=$(bash scripts/install-python-env.sh | tail -1 | sed 's/^PULUMI_PYTHON=//')
#
# The venv lands in ${PULUMI_TOOLS_HOME:-$HOME/.cache/pulumi-firestore-operations} (the cache install-pulumi.sh
# uses), keyed by the SDK's version and the interpreter's. It holds only `pulumi` and its dependencies, never the
# generated SDK (sdk/python): that changes with the schema, so each test run pip-installs it on top (see
# test/plugin/python-program.ts). A build goes to a staging folder renamed into place only when complete, so a
# failed or interrupted run leaves nothing half-installed, and a run with the venv present installs nothing.
# Progress goes to stderr; stdout is one line, PULUMI_PYTHON=<the venv's python>.
set -euo pipefail

# Pulumi's Python SDK. Its `pulumi.automation` runs inline programs against the CLI of install-pulumi.sh (a newer
# minor: the Automation API's version check is skipped, as pulumi-env.sh does).
PULUMI_PYPI_VERSION=3.272.0

tools_home=${PULUMI_TOOLS_HOME:-$HOME/.cache/pulumi-firestore-operations}
python=${PYTHON:-python3}

log() { printf 'install-python-env: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v "$python" >/dev/null || die "$python is not on PATH (set PYTHON to a Python 3.10 or newer)"
python_version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
  die "Python $python_version is too old: pulumi $PULUMI_PYPI_VERSION needs 3.10 or newer (set PYTHON)"
venv=$tools_home/python-pulumi-$PULUMI_PYPI_VERSION-py$python_version
stamp="pulumi=$PULUMI_PYPI_VERSION python=$python_version setuptools>=70.1"

# shellcheck source=scripts/staged-install.sh
source "$(dirname "${BASH_SOURCE[0]}")/staged-install.sh"

if [[ -x $venv/bin/python ]] && installed "$venv" "$stamp"; then
  log "pulumi $PULUMI_PYPI_VERSION (Python $python_version) already installed"
else
  started=$SECONDS
  log "installing pulumi $PULUMI_PYPI_VERSION (Python $python_version) from PyPI"
  # setuptools is the generated SDK's build backend (sdk/python/pyproject.toml): a test pip-installs the SDK without
  # build isolation, that is without PyPI (venvs of Python 3.12 and newer come without it; before 70.1 it could not
  # build a wheel without `wheel`).
  stage_venv python-pulumi "pulumi.automation, setuptools" "pulumi==$PULUMI_PYPI_VERSION" "setuptools>=70.1"
  place "$venv" "$stamp"
  log "installed into $venv in $((SECONDS - started)) s"
fi

printf 'PULUMI_PYTHON=%s\n' "$venv/bin/python"
