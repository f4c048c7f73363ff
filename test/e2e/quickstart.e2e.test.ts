import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/repo";
import { withRepoLock } from "../support/repo-lock";

/** Runs a script on this Node; resolves with its exit code and output (stdout then stderr). */
function runNode(script: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd: repoRoot(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
}

test("the README's quick start runs end to end: up, refresh, destroy with the export CANCELLED", async () => {
  // The quick start's stack config is written next to the repository's Pulumi.yaml: one run at a time.
  const { code, output } = await withRepoLock("quickstart", () =>
    runNode(path.join(repoRoot(), "dist/scripts/quickstart.js"), 10 * 60_000),
  );
  assert.equal(code, 0, output);
  assert.match(output, /Firestore Admin emulator listening on http:\/\/127\.0\.0\.1:\d+/);
  assert.match(output, /Refreshed nightly-backup: PROCESSING, \d+\/62000 documents/);
  assert.match(output, /CANCELLED after [\d,]+\/62,000 documents/);
  assert.match(output, /Left in gs:\/\/quickstart-backups after the cancel: \d+ objects/);
  assert.match(output, /Stack 'quickstart' has been removed!/);
});
