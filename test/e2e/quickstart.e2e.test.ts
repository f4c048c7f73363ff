import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/repo";
import { withRepoLock } from "../support/repo-lock";
import { runCommand } from "../support/user-project";

test("the README's quick start runs end to end: up, refresh, destroy with the export CANCELLED", async () => {
  // The quick start's stack config is written next to the repository's Pulumi.yaml: one run at a time.
  const { code, stdout, stderr } = await withRepoLock("quickstart", () =>
    runCommand(process.execPath, [path.join(repoRoot(), "dist/scripts/quickstart.js")], repoRoot(), process.env),
  );
  const output = `${stdout}\n${stderr}`;
  assert.equal(code, 0, output);
  assert.match(output, /Firestore Admin emulator listening on http:\/\/127\.0\.0\.1:\d+/);
  assert.match(output, /Refreshed nightly-backup: PROCESSING [\d,]+\/62,000 documents \([\d.]+%\)/);
  assert.match(output, /CANCELLED after [\d,]+\/62,000 documents/);
  assert.match(output, /Left in gs:\/\/quickstart-backups after the cancel: \d+ objects/);
  assert.match(output, /Stack 'quickstart' has been removed!/);
});
