import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/repo";

test("the README's quick start runs end to end: up, refresh, destroy with the export CANCELLED", () => {
  const result = spawnSync(process.execPath, [path.join(repoRoot(), "dist/scripts/quickstart.js")], {
    cwd: repoRoot(),
    encoding: "utf8",
    timeout: 180_000,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  assert.equal(result.status, 0, output);
  assert.match(output, /Firestore Admin emulator listening on http:\/\/127\.0\.0\.1:\d+/);
  assert.match(output, /Refreshed nightly-backup: PROCESSING, \d+\/62000 documents/);
  assert.match(output, /CANCELLED after [\d,]+\/62,000 documents/);
  assert.match(output, /Left in gs:\/\/quickstart-backups after the cancel: \d+ objects/);
  assert.match(output, /Stack 'quickstart' has been removed!/);
});
