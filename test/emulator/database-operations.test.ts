import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseOperation } from "../../client/operation-view";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";

const DURATION = 100_000;
const ADMIN = "type.googleapis.com/google.firestore.admin.v1";
const PROJECT = "projects/demo-project";

function steppedClock(): { now: () => number; at: (elapsedFraction: number) => void } {
  const start = Date.parse("2026-06-01T00:00:00Z");
  let t = start;
  return { now: () => t, at: (elapsed) => (t = start + Math.round(elapsed * DURATION)) };
}

const BACKUP = `${PROJECT}/locations/nam5/backups/daily-1`;

const options = (clock: { now: () => number }, behaviour: Record<string, unknown> = {}) => ({
  seed: 3,
  now: clock.now,
  pointInTimeRecovery: true,
  backups: [{ name: BACKUP, database: DB }],
  behaviour: { operationDurationMs: DURATION, ...behaviour },
});

async function restore(emu: TestEmulator, databaseId = "restored-db") {
  return emu.call("POST", `/v1/${PROJECT}/databases:restore`, { databaseId, backup: BACKUP });
}

describe("database operations", () => {
  test("databases.create: CreateDatabaseMetadata (empty), the operation under the new database, a Database answer", async () => {
    const clock = steppedClock();
    await withEmulator(options(clock), async (emu) => {
      const reply = await emu.call("POST", `/v1/${PROJECT}/databases?databaseId=new-db`, {
        locationId: "eur3",
        type: "FIRESTORE_NATIVE",
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.json));
      assert.match(reply.json.name, /^projects\/demo-project\/databases\/new-db\/operations\/[A-Za-z0-9_-]+$/);
      assert.deepEqual(reply.json.metadata, { "@type": `${ADMIN}.CreateDatabaseMetadata` });
      assert.equal(reply.json.done, undefined);
      // The database exists from the start: a second create is 409.
      const again = await emu.call("POST", `/v1/${PROJECT}/databases?databaseId=new-db`, {});
      assert.equal(again.status, 409);
      assert.equal(again.json.error.status, "ALREADY_EXISTS");

      clock.at(1);
      const done = (await emu.call("GET", `/v1/${reply.json.name}`)).json;
      assert.equal(done.done, true);
      assert.deepEqual(done.metadata, { "@type": `${ADMIN}.CreateDatabaseMetadata` });
      assert.equal(done.response["@type"], `${ADMIN}.Database`);
      assert.equal(done.response.name, `${PROJECT}/databases/new-db`);
      assert.equal(done.response.locationId, "eur3");
      const db = await emu.call("GET", `/v1/${PROJECT}/databases/new-db`);
      assert.equal(db.status, 200);
      assert.equal(db.json.name, `${PROJECT}/databases/new-db`);
      // Its operation is listed under the new database (done: true, as the list hides successful ones).
      const list = await emu.call("GET", `/v1/${PROJECT}/databases/new-db/operations?filter=done%3Dtrue`);
      assert.deepEqual(
        list.json.operations.map((o: { name: string }) => o.name),
        [reply.json.name],
      );
    });
  });

  test("databaseId rules: 4-63 characters, a-z 0-9 -, letter first, letter or digit last, not UUID-like, or (default)", async () => {
    const clock = steppedClock();
    await withEmulator({ ...options(clock), databases: [], backups: [] }, async (emu) => {
      for (const bad of [
        "abc",
        "1abc",
        "abc-",
        "Abcd",
        "ab_cd",
        "a".repeat(64),
        "0f8fad5b-d9cb-469f-a165-70867728950e",
      ]) {
        const reply = await emu.call("POST", `/v1/${PROJECT}/databases?databaseId=${encodeURIComponent(bad)}`, {});
        assert.equal(reply.status, 400, bad);
        assert.equal(reply.json.error.status, "INVALID_ARGUMENT", bad);
        assert.match(reply.json.error.message, /database_id/, bad);
      }
      const missing = await emu.call("POST", `/v1/${PROJECT}/databases`, {});
      assert.equal(missing.status, 400);
      assert.match(missing.json.error.message, /Missing required field: database_id/);
      for (const good of ["abcd", "a1-b", "a".repeat(63), "(default)"]) {
        const reply = await emu.call("POST", `/v1/${PROJECT}/databases?databaseId=${encodeURIComponent(good)}`, {});
        assert.equal(reply.status, 200, `${good}: ${JSON.stringify(reply.json)}`);
      }
      const unknown = await emu.call("POST", `/v1/${PROJECT}/databases?databaseId=okay-db`, { colour: "red" });
      assert.equal(unknown.status, 400);
      assert.match(unknown.json.error.message, /Unknown name "colour"/);
      const badQuery = await emu.call("POST", `/v1/${PROJECT}/databases?databaseId=okay-db&force=true`, {});
      assert.equal(badQuery.status, 400);
      assert.match(badQuery.json.error.message, /Cannot bind query parameter/);
    });
  });

  test("databases:restore: RestoreDatabaseMetadata with database, backup and progressPercentage; the database exists after", async () => {
    const clock = steppedClock();
    await withEmulator(options(clock), async (emu) => {
      const reply = await restore(emu);
      assert.equal(reply.status, 200, JSON.stringify(reply.json));
      const op = reply.json;
      assert.match(op.name, /^projects\/demo-project\/databases\/restored-db\/operations\//);
      assert.equal(op.metadata["@type"], `${ADMIN}.RestoreDatabaseMetadata`);
      assert.equal(op.metadata.operationState, "PROCESSING");
      assert.equal(op.metadata.database, `${PROJECT}/databases/restored-db`);
      assert.equal(op.metadata.backup, BACKUP);
      assert.ok(op.metadata.startTime);
      assert.equal(op.metadata.progressPercentage, undefined, "no progress in the start reply");

      clock.at(0.4);
      const mid = (await emu.call("GET", `/v1/${op.name}`)).json;
      assert.deepEqual(mid.metadata.progressPercentage, { estimatedWork: "100", completedWork: "40" });
      const view = parseOperation(mid);
      assert.equal(view.metadataType, "RestoreDatabaseMetadata");
      assert.deepEqual(view.percentage, { completed: 40, estimated: 100 });

      clock.at(1);
      const done = (await emu.call("GET", `/v1/${op.name}`)).json;
      assert.equal(done.metadata.operationState, "SUCCESSFUL");
      assert.ok(done.metadata.endTime);
      assert.equal(done.response["@type"], `${ADMIN}.Database`);
      assert.equal(done.response.name, `${PROJECT}/databases/restored-db`);
      assert.equal((await emu.call("GET", `/v1/${PROJECT}/databases/restored-db`)).status, 200);
      assert.equal((await restore(emu)).status, 409, "the restored database exists");
    });
  });

  test("databases:restore validation: backup required, of the same project, well-formed; unknown fields named", async () => {
    const clock = steppedClock();
    await withEmulator(options(clock), async (emu) => {
      const url = `/v1/${PROJECT}/databases:restore`;
      const cases: [unknown, RegExp][] = [
        [{ databaseId: "restored-db" }, /Missing required field: backup/],
        [{ databaseId: "restored-db", backup: "backups/x" }, /projects\/\{projectId\}\/locations/],
        [{ databaseId: "restored-db", backup: "projects/other/locations/nam5/backups/b" }, /same project/],
        [{ backup: BACKUP }, /Missing required field: database_id/],
        [{ databaseId: "restored-db", backup: BACKUP, force: true }, /Unknown name "force"/],
      ];
      for (const [body, message] of cases) {
        const reply = await emu.call("POST", url, body);
        assert.equal(reply.status, 400, JSON.stringify(body));
        assert.match(reply.json.error.message, message);
      }
      const existing = await emu.call("POST", url, { databaseId: "(default)", backup: BACKUP });
      assert.equal(existing.status, 409);
      assert.equal(existing.json.error.status, "ALREADY_EXISTS");
      const ops = (await emu.control("GET", "operations")).json.operations;
      assert.equal(ops.length, 0, "no refused request started an operation");
    });
  });

  test("databases:clone: CloneDatabaseMetadata with pitrSnapshot; the source must exist; snapshotTime a past minute", async () => {
    const clock = steppedClock();
    await withEmulator(options(clock), async (emu) => {
      const minute = new Date(Math.floor((clock.now() - 120_000) / 60_000) * 60_000).toISOString();
      const url = `/v1/${PROJECT}/databases:clone`;
      const reply = await emu.call("POST", url, {
        databaseId: "cloned-db",
        pitrSnapshot: { database: DB, snapshotTime: minute },
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.json));
      const md = reply.json.metadata;
      assert.equal(md["@type"], `${ADMIN}.CloneDatabaseMetadata`);
      assert.equal(md.database, `${PROJECT}/databases/cloned-db`);
      assert.equal(md.pitrSnapshot.database, DB);
      assert.equal(Date.parse(md.pitrSnapshot.snapshotTime), Date.parse(minute));
      assert.match(reply.json.name, /databases\/cloned-db\/operations\//);

      const missingSource = await emu.call("POST", url, {
        databaseId: "clone-two",
        pitrSnapshot: { database: `${PROJECT}/databases/nope`, snapshotTime: minute },
      });
      assert.equal(missingSource.status, 404);
      const notAMinute = await emu.call("POST", url, {
        databaseId: "clone-two",
        pitrSnapshot: { database: DB, snapshotTime: new Date(clock.now() - 90_500).toISOString() },
      });
      assert.equal(notAMinute.status, 400);
      assert.match(notAMinute.json.error.message, /pitr_snapshot.snapshot_time/);
      const noSnapshot = await emu.call("POST", url, { databaseId: "clone-two" });
      assert.equal(noSnapshot.status, 400);
      assert.match(noSnapshot.json.error.message, /Missing required field: pitr_snapshot/);

      clock.at(1);
      const done = (await emu.call("GET", `/v1/${reply.json.name}`)).json;
      assert.equal(done.response.name, `${PROJECT}/databases/cloned-db`);
      const docs = (await emu.control("GET", `${PROJECT}/databases/cloned-db/documents`)).json.collections;
      assert.ok(Object.keys(docs).length > 0, "the clone has the source's collections");
    });
  });

  test("databases.delete: DeleteDatabaseMetadata; the database is gone once it succeeds; etag checked", async () => {
    const clock = steppedClock();
    await withEmulator(options(clock), async (emu) => {
      const db = (await emu.call("GET", `/v1/${DB}`)).json;
      assert.ok(db.etag);
      const mismatch = await emu.call("DELETE", `/v1/${DB}?etag=nope`);
      assert.equal(mismatch.status, 400);
      assert.equal(mismatch.json.error.status, "FAILED_PRECONDITION");
      const reply = await emu.call("DELETE", `/v1/${DB}?etag=${db.etag}`);
      assert.equal(reply.status, 200, JSON.stringify(reply.json));
      assert.deepEqual(reply.json.metadata, { "@type": `${ADMIN}.DeleteDatabaseMetadata` });
      assert.match(reply.json.name, /databases\/\(default\)\/operations\//);
      const twice = await emu.call("DELETE", `/v1/${DB}`);
      assert.equal(twice.status, 400, "already being deleted");
      assert.equal((await emu.call("GET", `/v1/${DB}`)).status, 200, "still there while the delete runs");
      clock.at(1);
      const done = (await emu.call("GET", `/v1/${reply.json.name}`)).json;
      assert.equal(done.done, true);
      assert.equal(done.response["@type"], `${ADMIN}.Database`);
      assert.equal(done.response.name, DB);
      const gone = await emu.call("GET", `/v1/${DB}`);
      assert.equal(gone.status, 404);
      // The id can be used again.
      assert.equal((await emu.call("POST", `/v1/${PROJECT}/databases?databaseId=(default)`, {})).status, 200);
    });
  });

  test("cancel of a restore: 400 FAILED_PRECONDITION by default, and the restore runs on to SUCCESSFUL", async () => {
    const clock = steppedClock();
    await withEmulator(options(clock), async (emu) => {
      const op = (await restore(emu)).json;
      clock.at(0.3);
      const cancel = await emu.call("POST", `/v1/${op.name}:cancel`, {});
      assert.equal(cancel.status, 400);
      assert.equal(cancel.json.error.status, "FAILED_PRECONDITION");
      assert.match(cancel.json.error.message, /restore/);
      assert.equal((await emu.call("GET", `/v1/${op.name}`)).json.metadata.operationState, "PROCESSING");
      clock.at(1);
      assert.equal((await emu.call("GET", `/v1/${op.name}`)).json.metadata.operationState, "SUCCESSFUL");
    });
  });

  test("knob databaseCancel.restoreDatabase=ignore: cancel answers {} and the restore is not cancelled", async () => {
    const clock = steppedClock();
    await withEmulator(options(clock, { databaseCancel: { restoreDatabase: "ignore" } }), async (emu) => {
      const op = (await restore(emu)).json;
      clock.at(0.3);
      const cancel = await emu.call("POST", `/v1/${op.name}:cancel`, {});
      assert.equal(cancel.status, 200);
      assert.deepEqual(cancel.json, {});
      assert.equal((await emu.call("GET", `/v1/${op.name}`)).json.metadata.operationState, "PROCESSING");
      clock.at(1);
      const done = (await emu.call("GET", `/v1/${op.name}`)).json;
      assert.equal(done.metadata.operationState, "SUCCESSFUL");
      assert.equal(done.error, undefined);
    });
  });

  test("cancel of a clone (default: cancels) ends CANCELLED and leaves no database; knob refuse answers 400", async () => {
    const clock = steppedClock();
    await withEmulator(options(clock), async (emu) => {
      const minute = new Date(Math.floor((clock.now() - 120_000) / 60_000) * 60_000).toISOString();
      const op = (
        await emu.call("POST", `/v1/${PROJECT}/databases:clone`, {
          databaseId: "cloned-db",
          pitrSnapshot: { database: DB, snapshotTime: minute },
        })
      ).json;
      clock.at(0.2);
      assert.equal((await emu.call("POST", `/v1/${op.name}:cancel`, {})).status, 200);
      assert.equal((await emu.call("GET", `/v1/${op.name}`)).json.metadata.operationState, "CANCELLING");
      clock.at(0.5);
      const done = (await emu.call("GET", `/v1/${op.name}`)).json;
      assert.equal(done.metadata.operationState, "CANCELLED");
      assert.equal(done.error.code, 1);
      assert.equal((await emu.call("GET", `/v1/${PROJECT}/databases/cloned-db`)).status, 404);

      await emu.control("PATCH", "behaviour", { databaseCancel: { cloneDatabase: "refuse" } });
      const second = (
        await emu.call("POST", `/v1/${PROJECT}/databases:clone`, {
          databaseId: "cloned-db",
          pitrSnapshot: { database: DB, snapshotTime: minute },
        })
      ).json;
      const refused = await emu.call("POST", `/v1/${second.name}:cancel`, {});
      assert.equal(refused.status, 400);
      assert.equal(refused.json.error.status, "FAILED_PRECONDITION");
      const bad = await emu.control("PATCH", "behaviour", { databaseCancel: { cloneDatabase: "maybe" } });
      assert.equal(bad.status, 400);
    });
  });

  test("enum-encoding=int: database operation states as numbers", async () => {
    const clock = steppedClock();
    await withEmulator(options(clock), async (emu) => {
      const op = (await restore(emu)).json;
      const reply = await emu.call("GET", `/v1/${op.name}?$alt=json%3Benum-encoding%3Dint`);
      assert.equal(reply.json.metadata.operationState, 2);
    });
  });
});
