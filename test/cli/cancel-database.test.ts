import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEV_TOKEN } from "../../emulator/auth";
import { adminRequests, operation, runCli, target } from "../support/cli-harness";
import { DB, withEmulator } from "../support/emulator-client";

const AUTH = { authorization: `Bearer ${DEV_TOKEN}` };
const PROJECT = "projects/demo-project";

describe("firestore-ops cancel: database operations, in true words", () => {
  test("a restore: nothing is sent, it says a restore cannot be cancelled, exit 3, and it runs on", async () => {
    await withEmulator(
      {
        auth: "oauth",
        backups: [{ name: `${PROJECT}/locations/nam5/backups/b1`, database: DB }],
        behaviour: { operationDurationMs: 60_000 },
      },
      async (emu) => {
        const started = await emu.call(
          "POST",
          `/v1/${PROJECT}/databases:restore`,
          { databaseId: "restored-db", backup: `${PROJECT}/locations/nam5/backups/b1` },
          AUTH,
        );
        const name = started.json.name as string;
        const result = await runCli(["cancel", name, ...target(emu)]);
        assert.equal(result.code, 3, result.stderr);
        assert.match(
          result.stdout,
          /is not cancelled: a database restore cannot be cancelled once it has begun, so no cancel was sent\. It runs on \(PROCESSING/,
        );
        assert.doesNotMatch(result.stdout, /Cancel requested/);
        assert.equal((await adminRequests(emu)).filter((r) => r.endpoint === "operations.cancel").length, 0);
        assert.equal((await operation(emu, name)).metadata.operationState, "PROCESSING");
      },
    );
  });

  test("a clone whose cancel the server refuses: says the server refused, exit 3", async () => {
    await withEmulator(
      { auth: "oauth", behaviour: { operationDurationMs: 60_000, databaseCancel: { cloneDatabase: "refuse" } } },
      async (emu) => {
        const minute = new Date(Math.floor((Date.now() - 120_000) / 60_000) * 60_000).toISOString();
        const started = await emu.call(
          "POST",
          `/v1/${PROJECT}/databases:clone`,
          { databaseId: "cloned-db", pitrSnapshot: { database: DB, snapshotTime: minute } },
          AUTH,
        );
        const name = started.json.name as string;
        const result = await runCli(["cancel", name, "--wait", ...target(emu)]);
        assert.equal(result.code, 3, result.stderr);
        assert.match(
          result.stdout,
          /is not cancelled: the server refused the cancel \(.*cannot be cancelled.*\)\. It runs on/,
        );
        assert.doesNotMatch(`${result.stdout}${result.stderr}`, /Cancel requested/);
      },
    );
  });
});
