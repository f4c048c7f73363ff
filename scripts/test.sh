#!/usr/bin/env bash
# The README's test command (`npm test`): setup, lint, every test on this machine's Node (20), then the
# packaging and end-to-end subset on Node 22 with the newest @pulumi/pulumi (scripts/test-node22.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
npx biome check .
# The API reference must build from the TSDoc without a single warning.
npx typedoc --emit none --treatWarningsAsErrors
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
echo "test: every test on Node $(node --version)" >&2
node --test --test-reporter=spec "${files[@]}"

bash scripts/test-node22.sh
