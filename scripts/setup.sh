#!/usr/bin/env bash
# Installs everything the tests and the quick start need, from a clean clone: npm packages (from the lock
# file), the Pulumi CLI (built from Go modules, cached under $HOME), and the compiled TypeScript. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi

# Programs inside this repository (the quick start, the examples) import the package by its name, as users
# do; the dynamic provider also requires it by name from the program folder at run time.
if [ ! -e node_modules/pulumi-firestore-operations ]; then
  ln -s .. node_modules/pulumi-firestore-operations
fi

bash scripts/install-pulumi.sh >/dev/null

# The Ctrl-C tests type into a real terminal.
if ! command -v tmux >/dev/null; then
  echo "setup: installing tmux (apt-get)" >&2
  if [ "$(id -u)" != 0 ]; then
    echo "setup: tmux is missing and this is not root: run 'apt-get install tmux'" >&2
    exit 1
  fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >&2
fi

echo "setup: compiling TypeScript" >&2
npm run --silent build >&2
