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

# Issue 15: the provider's end-to-end suite also runs against the emulator's messy profile (INITIALIZING and
# FINALIZING, late and low estimates, seeded CANCELLING durations, cancels that lose the race, limits on). A
# representative part, to keep it under 3 minutes: the lifecycle file (up, refresh, replace, drift, destroy) and
# the waitFor/initialization-failure/adoption scenarios.
messy_start=$SECONDS
echo "test: end-to-end subset against --profile messy (FIRESTORE_OPS_E2E_PROFILE=messy)" >&2
FIRESTORE_OPS_E2E_PROFILE=messy node --test --test-reporter=spec \
  --test-name-pattern="^end to end through the real Pulumi CLI|^end to end: waitFor done" \
  dist/test/e2e/lifecycle.e2e.test.js dist/test/e2e/scenarios.e2e.test.js
echo "test: the messy e2e subset took $((SECONDS - messy_start)) s" >&2

bash scripts/test-node22.sh
