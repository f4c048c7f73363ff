import assert from "node:assert/strict";
import { test } from "node:test";
import { ProgressThrottle } from "../../client/progress-throttle";
import { progressStatus, type Reporter } from "../../provider/reporter";

test("progress lines: every state change at once, mere progress at most every interval", () => {
  const lines: string[] = [];
  const reporter: Reporter = { info() {}, warn() {}, status: (line) => lines.push(line) };
  let now = 0;
  const status = progressStatus(reporter, new ProgressThrottle(200, () => now));
  status("PROCESSING", "p1");
  status("PROCESSING", "p2");
  status("PROCESSING", "p3");
  status("CANCELLING", "c1");
  status("CANCELLING", "c2");
  now += 199;
  status("CANCELLING", "c2.5");
  now += 1;
  status("CANCELLING", "c3");
  status("CANCELLED", "done");
  assert.deepEqual(lines, ["p1", "c1", "c3", "done"]);
});
