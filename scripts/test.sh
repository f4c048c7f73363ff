#!/usr/bin/env bash
# The README's test command (`npm test`): setup, lint, then every test through Node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
npx biome check .
# The API reference must build from the TSDoc without a single warning.
npx typedoc --emit none --treatWarningsAsErrors
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
node --test --test-reporter=spec "${files[@]}"
