#!/usr/bin/env bash
# The Node 22 leg of `npm test`: the user's project (packed package, the newest @pulumi/pulumi, the Pulumi CLI
# and the Automation API), the quick start and the CLI smoke test, on Node 22 from scripts/install-node.sh.
# Node 22 is first on PATH, so npm, the language host and the dynamic provider run on it too. Needs the build
# and the Pulumi CLI (scripts/setup.sh, which `npm test` runs first).
set -euo pipefail
cd "$(dirname "$0")/.."

# The newest @pulumi/pulumi when pinned (it declares Node >= 22); the leg's user projects install it.
NEWEST_PULUMI_SDK=3.276.0

leg_start=$SECONDS
node22_bin=$(bash scripts/install-node.sh | tail -1)
node22_version=$("$node22_bin/node" --version)
[[ $node22_version == v22.* ]] || { echo "test-node22: $node22_bin/node is $node22_version" >&2; exit 1; }
echo "test-node22: packaging and end-to-end subset on Node $node22_version, @pulumi/pulumi $NEWEST_PULUMI_SDK" >&2
# One file at a time (the other legs of `npm test` run meanwhile); the quick start takes a lock: both Node legs
# run it, and it writes next to the repository's Pulumi.yaml.
PATH="$node22_bin:$PATH" FIRESTORE_OPS_TEST_PULUMI_SDK=$NEWEST_PULUMI_SDK "$node22_bin/node" --test \
  --test-reporter=spec dist/test/packaging/*.test.js dist/test/e2e/quickstart.e2e.test.js \
  dist/test/e2e/pulumi-cli.smoke.test.js dist/test/plugin/typescript.e2e.test.js
echo "test-node22: the Node 22 leg took $((SECONDS - leg_start)) s" >&2
