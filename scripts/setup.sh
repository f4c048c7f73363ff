#!/usr/bin/env bash
# Installs everything the tests and the quick start need, from a clean clone: npm packages (from the lock
# file), the Pulumi CLI (built from Go modules, cached under $HOME), and the compiled TypeScript. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

# The TypeScript sources dist/ is built from (see the build below): the folders tsconfig.json's "include" names
# (each "<folder>/**/*.ts"), read from it so that a folder tsc compiles is never missing here (client/ once was: a
# change under it alone did not rebuild dist/). `setup.sh --list-sources` prints them (test/scripts/ checks them).
source_folders=$(node -e '
  for (const pattern of require("./tsconfig.json").include) {
    const folder = /^([\w.-]+)\/\*\*\/\*\.ts$/.exec(pattern)?.[1];
    if (!folder) {
      console.error(`setup: tsconfig.json include "${pattern}" is not "<folder>/**/*.ts", which sources() reads`);
      process.exit(1);
    }
    console.log(folder);
  }')
read -r -d '' -a source_folders <<<"$source_folders" || true
sources() {
  find "${source_folders[@]}" -name '*.ts' ! -path '*/fixtures/*' ! -path '*/node_modules/*' -print0 2>/dev/null |
    sort -z
}
if [[ ${1:-} == --list-sources ]]; then
  sources | tr '\0' '\n'
  exit 0
fi

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
# YAML programs (the plugin's tests, users' YAML stacks) need Pulumi's YAML language host next to the CLI.
bash scripts/install-yaml-host.sh

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

# The compiled TypeScript in dist/. Skipped when dist/ was built from exactly these inputs (the sources
# tsconfig.json includes, tsconfig.json and the installed packages, by content: dist/.build-inputs) and has every
# output. Otherwise tsc builds incrementally (its record is dist/.tsbuildinfo, so removing dist/ starts over) and
# outputs whose source is gone are removed, so that no stale test or module runs; should a source still lack its
# output, a clean build (`npm run build`: rm -rf dist && tsc) makes sure.
build_inputs() {
  { sources | xargs -0 sha256sum; sha256sum tsconfig.json package-lock.json node_modules/.package-lock.json; } |
    sha256sum | cut -d' ' -f1
}
outputs_complete() {
  local src
  while IFS= read -r -d '' src; do
    [[ $src == *.d.ts || -f dist/${src%.ts}.js ]] || { echo "setup: dist/${src%.ts}.js is missing" >&2; return 1; }
  done < <(sources)
}
incremental_build() {
  npx tsc -p tsconfig.json --incremental --tsBuildInfoFile dist/.tsbuildinfo >&2 || return 1
  local out rel base
  while IFS= read -r -d '' out; do
    rel=${out#dist/}
    base=${rel%.map}
    base=${base%.js}
    base=${base%.d.ts}
    [[ -f $base.ts ]] || rm -f "$out"
  done < <(find dist -type f \( -name '*.js' -o -name '*.js.map' -o -name '*.d.ts' -o -name '*.d.ts.map' \) -print0)
  outputs_complete
}
inputs=$(build_inputs)
if [[ -f dist/.build-inputs && $(<dist/.build-inputs) == "$inputs" ]] && outputs_complete; then
  echo "setup: dist/ is up to date (built from these sources)" >&2
else
  echo "setup: compiling TypeScript" >&2
  rm -f dist/.build-inputs
  if ! incremental_build; then
    echo "setup: clean build" >&2
    npm run --silent build >&2
  fi
  echo "$inputs" >dist/.build-inputs
fi
