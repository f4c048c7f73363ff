import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as cli from "../support/cli-harness";
import { withEmulator } from "../support/emulator-client";

describe("firestore-ops delete", () => {
  test("deletes a finished operation: it is gone from get and list", async () => {
    await withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 300 } }, async (emu) => {
      const name = await cli.startExport(emu, "gs://bkt/done");
      await cli.untilDone(emu, name);
      const result = await cli.runCli(["delete", cli.shortOperationId(name), ...cli.target(emu)]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, "", "stdout stays empty, as with gcloud");
      assert.equal(result.stderr, `Deleted ${name}.\n`);
      assert.equal((await cli.operation(emu, name)).error.status, "NOT_FOUND");
      const list = JSON.parse((await cli.runCli(["list", "--all", "--json", ...cli.target(emu)])).stdout);
      assert.deepEqual(list, []);

      const again = await cli.runCli(["delete", name, ...cli.target(emu)]);
      assert.equal(again.code, 1, "a second delete finds nothing");
      assert.match(again.stderr, /NOT_FOUND/);
    });
  });

  test("refuses a running operation without sending a DELETE, even where the server would hide it", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      await cli.setBehaviour(emu, { operationDurationMs: 60_000, deleteRunningBehaviour: "hide" });
      const name = await cli.startExport(emu, "gs://bkt/running");
      const result = await cli.runCli(["delete", name, ...cli.target(emu)]);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /is PROCESSING: only finished operations can be deleted \(deleting does not cancel\)/,
      );
      assert.equal((await cli.operation(emu, name)).metadata.operationState, "PROCESSING");
      const deletes = (await cli.adminRequests(emu)).filter((request) => request.endpoint === "operations.delete");
      assert.equal(deletes.length, 0);
    });
  });
});
