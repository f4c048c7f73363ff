#!/usr/bin/env bash
# The README's test command (`npm test`): setup, then the legs side by side, each with its own log:
#   lint      biome, and the API reference built from the TSDoc without a single warning (typedoc)
#   unit      the unit and component tests on this machine's Node (20), one file at a time
#   e2e       the end-to-end tests on Node 20 (the real Pulumi CLI), the longest first, 2 files at a time
#   messy     the end-to-end subset against the emulator's messy profile
#   node22    the packaging and end-to-end subset on Node 22 with the newest @pulumi/pulumi (scripts/test-node22.sh)
#   bench     every benchmark once, small (`npm run bench -- --quick --no-write`), so that none can rot
# Every leg runs to the end; the run fails if any leg failed. Each leg's output is printed when it ends, with
# its time. FIRESTORE_OPS_E2E_CONCURRENCY sets how many end-to-end files run at once (default 2).
#
#   bash scripts/test.sh          every leg (`npm test`)
#   bash scripts/test.sh --unit   the unit leg alone (`npm run test:unit`): no real Pulumi CLI, no npm installs
set -euo pipefail
cd "$(dirname "$0")/.."

# The unit leg runs one file at a time beside the other legs, two (both cores) when it runs alone.
case ${1:-} in
  "") legs=(lint unit e2e messy node22 bench) unit_concurrency=1 ;;
  --unit) legs=(unit) unit_concurrency=2 ;;
  *)
    echo "usage: bash scripts/test.sh [--unit]" >&2
    exit 2
    ;;
esac
runs_leg() { [[ " ${legs[*]} " == *" $1 "* ]]; }

run_start=$SECONDS
bash scripts/setup.sh
# Google's Python and Go Firestore Admin clients, which test/conformance/judges.test.ts runs against the emulator:
# for the tests only, so that the quick start and the benchmarks do not wait for them.
bash scripts/install-judges.sh >/dev/null
# The Python venv and the Go program the plugin-mode tests drive (test/plugin/python and go.e2e.test.ts).
bash scripts/install-python-env.sh >/dev/null
bash scripts/install-go-sdk.sh >/dev/null
echo "test: setup took $((SECONDS - run_start)) s" >&2

logs=$(mktemp -d "${TMPDIR:-/tmp}/firestore-ops-test-logs.XXXXXX")
children=()
cleanup() {
  for pid in "${children[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  rm -rf "$logs"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The package as npm publishes it, packed once for every leg that installs it (test/support/packed-package.ts
# checks it).
if runs_leg e2e || runs_leg node22; then
  packed_dir=$logs/packed
  mkdir -p "$packed_dir"
  packed_name=$(npm pack --silent --pack-destination "$packed_dir" | tail -1)
  export FIRESTORE_OPS_PACKED_TARBALL=$packed_dir/$packed_name
fi

# The Node 20 tests in two legs: the end-to-end files (real Pulumi CLI, npm installs, terminals), the longest
# first, 2 at a time; and every other file (unit and component tests, some with timings of their own), one at
# a time, as before. dist/test/support/run-files.js keeps this order (Node 20's `node --test` sorts by name).
slow_first=(
  dist/test/reliability/kill-points.e2e.test.js
  dist/test/e2e/examples.e2e.test.js
  dist/test/plugin/typescript.e2e.test.js
  dist/test/plugin/yaml.e2e.test.js
  dist/test/e2e/lifecycle.e2e.test.js
  dist/test/plugin/python.e2e.test.js
  dist/test/plugin/install-modes.e2e.test.js
  dist/test/plugin/go.e2e.test.js
  dist/test/e2e/quota.e2e.test.js
  dist/test/e2e/scenarios.e2e.test.js
  dist/test/e2e/everyday.e2e.test.js
  dist/test/e2e/stack-identity.e2e.test.js
  dist/test/packaging/user-project.e2e.test.js
  dist/test/e2e/ctrl-c.e2e.test.js
  dist/test/reliability/fault-matrix.e2e.test.js
  dist/test/reliability/secrets.e2e.test.js
)
mapfile -t all_files < <(find dist/test -name '*.test.js' | sort)
e2e_files=()
unit_files=()
for file in "${slow_first[@]}"; do
  [[ -f $file ]] && e2e_files+=("$file")
done
for file in "${all_files[@]}"; do
  [[ " ${slow_first[*]} " == *" $file "* ]] && continue
  if [[ $file == *.e2e.test.js || $file == *.smoke.test.js ]]; then e2e_files+=("$file"); else unit_files+=("$file"); fi
done
e2e_concurrency=${FIRESTORE_OPS_E2E_CONCURRENCY:-2}

# Starts a leg in the background, in a process group of its own (job control), so that an interrupted run
# stops all of it.
set -m
start_leg() {
  local name=$1
  shift
  runs_leg "$name" || return 0
  (
    leg_start=$SECONDS
    set +e
    "$@" >"$logs/$name.log" 2>&1
    code=$?
    # The CPU time of the leg and everything it waited for (bash's `times`, children's user and system time).
    times >"$logs/$name.times" # in this shell: a pipe or $(...) would run it in a child with no children of its own
    cpu=$(tail -1 "$logs/$name.times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.0f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
    echo "$code $((SECONDS - leg_start)) $cpu" >"$logs/$name.status"
  ) &
  children+=("$!")
}

# All legs side by side from the start, so that both cores are busy all along (the unit leg alone used less
# than one). The unit leg runs at normal priority, the others at a lower one: a few unit tests still measure a
# CLI's or a retry's wall time (seconds, not a speed target); their waits are for events where they can be.
start_leg unit node dist/test/support/run-files.js --concurrency "$unit_concurrency" "${unit_files[@]}"
start_leg lint nice -n 10 bash -c 'npx biome check . && npx typedoc --emit none --treatWarningsAsErrors'
start_leg e2e nice -n 10 node dist/test/support/run-files.js --concurrency "$e2e_concurrency" "${e2e_files[@]}"
# Issue 15: the provider's end-to-end suite also runs against the emulator's messy profile (INITIALIZING and
# FINALIZING, late and low estimates, seeded CANCELLING durations, cancels that lose the race, limits on). A
# representative part: the lifecycle file (up, refresh, replace, drift, destroy) and the waitFor/initialization-
# failure/adoption scenarios.
start_leg messy nice -n 10 env FIRESTORE_OPS_E2E_PROFILE=messy node --test --test-reporter=spec \
  --test-name-pattern="^end to end through the real Pulumi CLI|^end to end: waitFor done" \
  dist/test/e2e/lifecycle.e2e.test.js dist/test/e2e/scenarios.e2e.test.js
start_leg node22 nice -n 10 bash scripts/test-node22.sh
# The benchmarks in their smallest size: a benchmark that no longer runs to the end fails the run. What they
# measure is not judged here (their figures need a quiet machine: `npm run bench`).
start_leg bench nice -n 10 node dist/bench/run.js --quick --no-write

failed=()
declare -A reported=()
describe_leg() {
  case $1 in
    lint) echo "biome and typedoc" ;;
    unit) echo "unit and component tests on Node $(node --version), $unit_concurrency file(s) at a time" ;;
    e2e) echo "end-to-end tests on Node $(node --version), $e2e_concurrency files at a time" ;;
    messy) echo "end-to-end subset against --profile messy (FIRESTORE_OPS_E2E_PROFILE=messy)" ;;
    node22) echo "packaging and end-to-end subset on Node 22 (scripts/test-node22.sh)" ;;
    bench) echo "every benchmark, quick, RESULTS.md untouched (npm run bench -- --quick --no-write)" ;;
  esac
}
# Prints each leg's log as soon as it ends, so a long leg does not hold back what the others said.
while ((${#reported[@]} < ${#legs[@]})); do
  for name in "${legs[@]}"; do
    [[ -n ${reported[$name]:-} || ! -f $logs/$name.status ]] && continue
    read -r code seconds cpu <"$logs/$name.status"
    echo "test: ===== $name: $(describe_leg "$name") =====" >&2
    cat "$logs/$name.log"
    echo "test: ===== $name: exit $code after $seconds s, $cpu CPU-seconds =====" >&2
    reported[$name]=1
    if ((code != 0)); then failed+=("$name"); fi
  done
  if ((${#reported[@]} < ${#legs[@]})); then sleep 1; fi
done
wait
children=()

echo "test: the whole run took $((SECONDS - run_start)) s" >&2
if ((${#failed[@]} > 0)); then
  echo "test: FAILED legs: ${failed[*]}" >&2
  exit 1
fi
