import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as cli from "../support/cli-harness";
import { withEmulator } from "../support/emulator-client";

describe("firestore-ops cancel with several NAMEs", () => {
  test("--wait: every cancel goes out before any wait, and each is reported", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      await cli.setBehaviour(emu, { operationDurationMs: 60_000, cancelLatencyMs: 500 });
      const a = await cli.startExport(emu, "gs://bkt/a");
      const b = await cli.startExport(emu, "gs://bkt/b");
      const result = await cli.runCli(["cancel", cli.shortOperationId(a), b, "--wait", ...cli.target(emu)]);
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trim().split("\n");
      assert.equal(lines.length, 2, result.stdout);
      assert.match(lines[0] ?? "", new RegExp(`^${cli.shortOperationId(a)} ended CANCELLED`));
      assert.match(lines[1] ?? "", new RegExp(`^${cli.shortOperationId(b)} ended CANCELLED`));
      const requests = await cli.adminRequests(emu);
      const cancels = requests.flatMap((request, index) => (request.endpoint === "operations.cancel" ? [index] : []));
      assert.equal(cancels.length, 2);
      // Between the two cancels: the read after the first (the first poll of its wait) and the second's read
      // before its cancel; no more polls of the first wait.
      const between = requests.slice((cancels[0] as number) + 1, cancels[1]);
      assert.deepEqual(
        between.map((request) => [request.endpoint, request.operation]),
        [
          ["operations.get", a],
          ["operations.get", b],
        ],
      );
      for (const name of [a, b]) assert.equal((await cli.operation(emu, name)).metadata.operationState, "CANCELLED");
    });
  });

  test("--format json: a list of the Operations; one that failed is reported and the others still cancelled", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      await cli.setBehaviour(emu, { operationDurationMs: 60_000, cancelLatencyMs: 0 });
      const a = await cli.startExport(emu, "gs://bkt/a");
      const missing = "projects/demo-project/databases/(default)/operations/no-such-operation";
      const b = await cli.startExport(emu, "gs://bkt/b");
      const result = await cli.runCli(["cancel", a, missing, b, "--wait", "--format", "json", ...cli.target(emu)]);
      assert.equal(result.code, 1, "the missing one's exit code: a failed request");
      assert.match(result.stderr, /no-such-operation.*NOT_FOUND|NOT_FOUND.*no-such-operation/);
      const resources = JSON.parse(result.stdout) as { name: string; metadata: { operationState: string } }[];
      assert.deepEqual(
        resources.map((op) => [op.name, op.metadata.operationState]),
        [
          [a, "CANCELLED"],
          [b, "CANCELLED"],
        ],
      );
    });
  });

  test("one finished and one running: the finished one's outcome decides the exit code", async () => {
    await withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 300 } }, async (emu) => {
      const done = await cli.startExport(emu, "gs://bkt/done");
      await cli.untilDone(emu, done);
      await cli.setBehaviour(emu, { operationDurationMs: 60_000 });
      const running = await cli.startExport(emu, "gs://bkt/running");
      const result = await cli.runCli(["cancel", done, running, ...cli.target(emu)]);
      assert.equal(result.code, 3, "SUCCESSFUL before the cancel: not done as asked");
      assert.match(result.stdout, /^Nothing to cancel: \S+ ended SUCCESSFUL/m);
      assert.match(result.stdout, /^Cancel requested for \S+ \(was PROCESSING\)/m);
    });
  });
});
