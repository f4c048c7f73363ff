import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { operation, runCli, setBehaviour, shortOperationId, startExport, target } from "../support/cli-harness";
import { withEmulator } from "../support/emulator-client";

describe("firestore-ops watch", () => {
  test("follows the operation until it is done, a line per state change without a TTY, exit 0", async () => {
    await withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 2_500 } }, async (emu) => {
      const name = await startExport(emu, "gs://bkt/x");
      const result = await runCli(["watch", shortOperationId(name), ...target(emu)]);
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trimEnd().split("\n");
      const last = lines.pop() ?? "";
      assert.match(
        last,
        new RegExp(`^${shortOperationId(name)} ended SUCCESSFUL after \\ds: 26,200/26,200 documents \\(100\\.0%\\)`),
      );
      // The progress changes on every poll (about 10 polls here); the log only shows state changes.
      assert.ok(lines.length >= 2 && lines.length <= 3, `no flooding:\n${result.stdout}`);
      // Firestore estimates the work only some way in: the first line has the estimate, or says it has none yet.
      assert.match(
        lines[0] ?? "",
        /^\d\d:\d\d:\d\dZ \S+: PROCESSING( [\d,]+\/26,200 documents| [\d,]+ documents so far.* \(no estimate yet\);|;)/,
      );
      assert.match(lines.at(-1) ?? "", /^\d\d:\d\d:\d\dZ \S+: SUCCESSFUL 26,200\/26,200 documents/);
      assert.ok(!result.stdout.includes("\r"), "no TTY redraws when stdout is a pipe");
    });
  });

  test("an operation that ends FAILED: exit 3 with its error; --json keeps stdout for the result", async () => {
    // Fails at half its duration: long enough for the CLI to start and poll once on a loaded machine.
    await withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 4_000, failureRate: 1 } }, async (emu) => {
      const name = await startExport(emu, "gs://bkt/x");
      const result = await runCli(["watch", name, "--json", ...target(emu)]);
      assert.equal(result.code, 3, result.stderr);
      const resource = JSON.parse(result.stdout);
      assert.equal(resource.metadata.operationState, "FAILED");
      assert.equal(resource.error.code, 13);
      assert.match(result.stderr, /PROCESSING/, "progress went to stderr");

      const again = await runCli(["watch", name, ...target(emu)]);
      assert.equal(again.code, 3);
      assert.match(again.stdout, /^\S+ ended FAILED after \ds: .*\(code 13: The operation failed/);
    });
  });

  test("--timeout: exit 4 and the operation goes on; Ctrl-C: exit 130, untouched", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      await setBehaviour(emu, { operationDurationMs: 60_000 });
      const name = await startExport(emu, "gs://bkt/x");
      const timedOut = await runCli(["watch", shortOperationId(name), "--timeout", "1s", ...target(emu)]);
      assert.equal(timedOut.code, 4);
      assert.match(timedOut.stderr, /Timed out after 1s waiting for the operation to finish .* still PROCESSING\./);

      const interrupted = await runCli(["watch", shortOperationId(name), ...target(emu)], {
        onSpawn: (child) => {
          // Once the first progress line is out, the wait is on.
          child.stdout?.once("data", () => child.kill("SIGINT"));
        },
      });
      assert.equal(interrupted.code, 130, interrupted.stderr);
      assert.match(interrupted.stderr, /Stopped watching; \S+ goes on untouched\./);
      assert.equal((await operation(emu, name)).metadata.operationState, "PROCESSING");
    });
  });
});
