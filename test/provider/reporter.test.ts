import assert from "node:assert/strict";
import { test } from "node:test";
import { progressStatus, type Reporter } from "../../provider/reporter";

test("progress lines: every state change at once, mere progress at most every interval", async () => {
  const lines: string[] = [];
  const reporter: Reporter = { info() {}, warn() {}, status: (line) => lines.push(line) };
  const status = progressStatus(reporter, 200);
  status("PROCESSING", "p1");
  status("PROCESSING", "p2");
  status("PROCESSING", "p3");
  status("CANCELLING", "c1");
  status("CANCELLING", "c2");
  await new Promise((resolve) => setTimeout(resolve, 250));
  status("CANCELLING", "c3");
  status("CANCELLED", "done");
  assert.deepEqual(lines, ["p1", "c1", "c3", "done"]);
});
