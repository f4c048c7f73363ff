import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DB } from "../support/emulator-client";
import { type Harness, withProvider, withSteppedProvider } from "../support/provider-harness";

const PROJECT = "projects/demo-project";
const BACKUP = `${PROJECT}/locations/nam5/backups/nightly`;

async function startRestore(h: Harness): Promise<string> {
  const seeded = await h.emu.control("POST", "backups", { name: BACKUP, database: DB });
  assert.equal(seeded.status, 200, JSON.stringify(seeded.json));
  const reply = await h.admin("POST", `/v1/${PROJECT}/databases:restore`, {
    databaseId: "restored-db",
    backup: BACKUP,
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json.name;
}

async function startClone(h: Harness): Promise<string> {
  const minute = new Date(Math.floor((Date.now() - 120_000) / 60_000) * 60_000).toISOString();
  const reply = await h.admin("POST", `/v1/${PROJECT}/databases:clone`, {
    databaseId: "cloned-db",
    pitrSnapshot: { database: DB, snapshotTime: minute },
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json.name;
}

const texts = (h: Harness): string => h.messages.map((m) => `${m.level}: ${m.text}`).join("\n");

describe("FirestoreOperation adopts database operations", () => {
  test("a restore: its type and progressPercentage in the outputs", async () => {
    await withSteppedProvider(
      { behaviour: { operationDurationMs: 4_000 } },
      { fastForward: false },
      async (h, clock) => {
        const name = await startRestore(h);
        clock.advance(1_000);
        const { id, outs } = await h.up("adopted", { operationName: name });
        assert.equal(id, name);
        assert.equal(outs.operationType, "RestoreDatabaseMetadata");
        assert.equal(outs.state, "PROCESSING");
        assert.ok(outs.progressPercent > 0 && outs.progressPercent < 100, `progressPercent ${outs.progressPercent}`);
        assert.match(texts(h), /adopted .*PROCESSING \d+% done/);
      },
    );
  });

  for (const restoreDatabase of ["refuse", "ignore"] as const) {
    test(`destroy of an adopted restore (server cancel: ${restoreDatabase}): no cancel sent, says it cannot be cancelled, waits until it is over`, async () => {
      await withSteppedProvider(
        { behaviour: { operationDurationMs: 2_500, databaseCancel: { restoreDatabase } } },
        { fastForward: true },
        async (h, clock) => {
          const name = await startRestore(h);
          const { id, outs } = await h.up("adopted", { operationName: name, onCancelLost: "fail" });
          assert.equal(outs.done, false);
          await h.provider("adopted").delete(id, outs);
          assert.equal((await h.requests("operations.cancel")).length, 0, "no cancel was sent");
          const op = (await h.admin("GET", `/v1/${id}`)).json;
          assert.equal(op.metadata.operationState, "SUCCESSFUL", "over by the time delete returned");
          const log = texts(h);
          assert.match(log, /is not cancelled: a database restore cannot be cancelled once it has begun/);
          assert.match(log, /ended SUCCESSFUL; it was not cancelled/);
          assert.doesNotMatch(log, /cancel sent|CANCELLED after|despite the cancel/);
          assert.ok(clock.slept.length > 0, "it polled until the restore was over");
        },
      );
    });
  }

  test("a restore that already ended: nothing to cancel, one read", async () => {
    await withSteppedProvider({ behaviour: { operationDurationMs: 200 } }, { fastForward: false }, async (h, clock) => {
      const name = await startRestore(h);
      const { id, outs } = await h.up("adopted", { operationName: name });
      assert.equal(outs.done, false, "running when adopted");
      clock.advance(400);
      const getsBefore = (await h.requests("operations.get")).length;
      await h.provider("adopted").delete(id, outs);
      assert.equal((await h.requests("operations.cancel")).length, 0);
      assert.equal((await h.requests("operations.get")).length - getsBefore, 1, "one read");
      assert.match(texts(h), /already ended SUCCESSFUL; nothing to cancel/);
    });
  });

  test("a clone whose cancel the server refuses: says so, waits, and onCancelLost fail keeps the resource", async () => {
    await withSteppedProvider(
      { behaviour: { operationDurationMs: 2_000, databaseCancel: { cloneDatabase: "refuse" } } },
      { fastForward: true },
      async (h, clock) => {
        const name = await startClone(h);
        const { id, outs } = await h.up("adopted", { operationName: name, onCancelLost: "fail" });
        assert.equal(outs.operationType, "CloneDatabaseMetadata");
        await assert.rejects(h.provider("adopted").delete(id, outs), (error: Error) => {
          assert.equal(error.name, "CancelLostError");
          assert.match(error.message, /ended SUCCESSFUL; it was not cancelled \(the server refused the cancel\)/);
          return true;
        });
        assert.deepEqual(await h.statuses("operations.cancel"), [400]);
        assert.match(texts(h), /the server refused to cancel .* it is not cancelled and runs on/);
        assert.equal((await h.admin("GET", `/v1/${id}`)).json.metadata.operationState, "SUCCESSFUL");
        assert.ok(clock.slept.length > 0, "it polled until the clone was over");
      },
    );
  });

  test("a clone (cancel: cancel, the default): CANCELLED, and the clone's database never appears", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 300 } }, {}, async (h) => {
      const name = await startClone(h);
      const { id, outs } = await h.up("adopted", { operationName: name });
      await h.provider("adopted").delete(id, outs);
      assert.equal((await h.admin("GET", `/v1/${id}`)).json.metadata.operationState, "CANCELLED");
      assert.match(texts(h), /CANCELLED after/);
      assert.match(texts(h), /the new database exists/, "the cancel effects name the database, not files");
      assert.equal((await h.admin("GET", `/v1/${PROJECT}/databases/cloned-db`)).status, 404);
    });
  });

  test("a database create and delete: empty metadata, the state alone", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const created = await h.admin("POST", `/v1/${PROJECT}/databases?databaseId=fresh-db`, {});
      const { outs } = await h.up("adopted", { operationName: created.json.name });
      assert.equal(outs.operationType, "CreateDatabaseMetadata");
      assert.equal(outs.state, "OPERATION_STATE_UNSPECIFIED", "CreateDatabaseMetadata has no state while it runs");
      assert.equal(outs.progressPercent, undefined);
      const deleted = await h.admin("DELETE", `/v1/${PROJECT}/databases/fresh-db`);
      assert.equal(deleted.status, 200, JSON.stringify(deleted.json));
      const adopted = await h.up("adopted", { operationName: deleted.json.name });
      assert.equal(adopted.outs.operationType, "DeleteDatabaseMetadata");
    });
  });
});
