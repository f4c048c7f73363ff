import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";
import { spawnEmulator } from "../support/emulator-process";
import { steppedClock } from "../support/stepped-clock";

const PROJECT = "projects/demo-project";
const NAM5 = `${PROJECT}/locations/nam5/backups`;
const DAILY = `${NAM5}/daily`;
const EUR3 = `${PROJECT}/locations/eur3/backups/weekly`;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const restore = (emu: TestEmulator, backup: string, databaseId = "restored") =>
  emu.call("POST", `/v1/${PROJECT}/databases:restore`, { databaseId, backup });

describe("backups", () => {
  test("get: the Backup resource as backup.proto shapes it (stats as int64 strings, state READY)", async () => {
    const clock = steppedClock();
    await withEmulator(
      { now: clock.now, collections: { users: 10 }, backups: [{ name: DAILY, database: DB }] },
      async (emu) => {
        const reply = await emu.call("GET", `/v1/${DAILY}`);
        assert.equal(reply.status, 200, JSON.stringify(reply.json));
        const backup = reply.json;
        assert.deepEqual(Object.keys(backup), [
          "name",
          "database",
          "databaseUid",
          "snapshotTime",
          "expireTime",
          "stats",
          "state",
        ]);
        assert.equal(backup.name, DAILY);
        assert.equal(backup.database, DB);
        assert.match(backup.databaseUid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        const database = (await emu.call("GET", `/v1/${DB}`)).json;
        assert.equal(backup.databaseUid, database.uid, "the uid of the database backed up");
        assert.match(backup.snapshotTime, TIMESTAMP);
        assert.ok(Date.parse(backup.expireTime) > Date.parse(backup.snapshotTime));
        assert.equal(backup.stats.documentCount, "10");
        assert.match(backup.stats.sizeBytes, /^\d+$/);
        assert.equal(backup.state, "READY");

        const missing = await emu.call("GET", `/v1/${NAM5}/nope`);
        assert.equal(missing.status, 404);
        assert.equal(missing.json.error.status, "NOT_FOUND");
      },
    );
  });

  test("list: a location's backups, or every location's with `-`; none is `{}`", async () => {
    await withEmulator(
      {
        backups: [
          { name: DAILY, database: DB },
          { name: EUR3, database: DB },
        ],
      },
      async (emu) => {
        const names = async (location: string) => {
          const reply = await emu.call("GET", `/v1/${PROJECT}/locations/${location}/backups`);
          assert.equal(reply.status, 200, JSON.stringify(reply.json));
          return (reply.json.backups ?? []).map((b: { name: string }) => b.name);
        };
        assert.deepEqual(await names("nam5"), [DAILY]);
        assert.deepEqual(await names("-"), [EUR3, DAILY]);
        const empty = await emu.call("GET", `/v1/${PROJECT}/locations/us-east1/backups`);
        assert.deepEqual(empty.json, {});
        const otherProject = await emu.call("GET", "/v1/projects/someone-else/locations/-/backups");
        assert.deepEqual(otherProject.json, {});
      },
    );
  });

  test("delete: gone from get, list and restore; a second delete is NOT_FOUND", async () => {
    await withEmulator({ backups: [{ name: DAILY, database: DB }] }, async (emu) => {
      const deleted = await emu.call("DELETE", `/v1/${DAILY}`);
      assert.equal(deleted.status, 200);
      assert.deepEqual(deleted.json, {});
      assert.equal((await emu.call("GET", `/v1/${DAILY}`)).status, 404);
      assert.deepEqual((await emu.call("GET", `/v1/${PROJECT}/locations/-/backups`)).json, {});
      assert.equal((await restore(emu, DAILY)).status, 404);
      const again = await emu.call("DELETE", `/v1/${DAILY}`);
      assert.equal(again.status, 404);
      assert.equal(again.json.error.status, "NOT_FOUND");
    });
  });

  test("restore: from a backup that exists, its documents in its location; a missing one NOT_FOUND, starting nothing", async () => {
    const clock = steppedClock();
    await withEmulator(
      {
        now: clock.now,
        collections: { users: 7, orders: 3 },
        behaviour: { operationDurationMs: 1_000 },
        backups: [{ name: EUR3, database: DB }],
      },
      async (emu) => {
        const missing = await restore(emu, `${NAM5}/never-made`);
        assert.equal(missing.status, 404, JSON.stringify(missing.json));
        assert.equal(missing.json.error.status, "NOT_FOUND");
        assert.match(missing.json.error.message, /never-made/);
        const otherProject = await restore(emu, "projects/other/locations/nam5/backups/daily");
        assert.equal(otherProject.status, 400, "another project's backup: INVALID_ARGUMENT, as before");
        assert.equal((await emu.control("GET", "operations")).json.operations.length, 0);

        const started = await restore(emu, EUR3);
        assert.equal(started.status, 200, JSON.stringify(started.json));
        assert.equal(started.json.metadata.backup, EUR3);
        clock.advance(1_000);
        const done = (await emu.call("GET", `/v1/${started.json.name}`)).json;
        assert.equal(done.metadata.operationState, "SUCCESSFUL");
        assert.equal(done.response.locationId, "eur3", "the backup's location");
        const documents = await emu.control("GET", `${PROJECT}/databases/restored/documents`);
        assert.deepEqual(
          Object.fromEntries(
            Object.entries(documents.json.collections).map(([id, s]) => [id, (s as { documents: number }).documents]),
          ),
          { users: 7, orders: 3 },
        );
      },
    );
  });

  test("a backup that is not READY cannot be restored from (FAILED_PRECONDITION)", async () => {
    await withEmulator({}, async (emu) => {
      const seeded = await emu.control("POST", "backups", { name: DAILY, database: DB, state: "CREATING" });
      assert.equal(seeded.status, 200, JSON.stringify(seeded.json));
      assert.equal(seeded.json.stats, undefined, "no stats until READY");
      const refused = await restore(emu, DAILY);
      assert.equal(refused.status, 400);
      assert.equal(refused.json.error.status, "FAILED_PRECONDITION");
    });
  });

  test("the control API seeds backups and checks what it is given", async () => {
    await withEmulator({}, async (emu) => {
      const made = await emu.control("POST", "backups", { name: DAILY, database: DB });
      assert.equal(made.status, 200);
      assert.equal((await emu.call("GET", `/v1/${DAILY}`)).json.state, "READY");
      const cases: [unknown, RegExp][] = [
        [{ name: "daily", database: DB }, /backup name/],
        [{ name: `${NAM5}/x`, database: "nope" }, /database name/],
        [{ name: "projects/other/locations/nam5/backups/x", database: DB }, /own project/],
        [{ name: `${NAM5}/x`, database: DB, state: "DONE" }, /state must be one of/],
        [{ name: `${NAM5}/x`, database: `${PROJECT}/databases/missing` }, /does not exist/],
      ];
      for (const [body, message] of cases) {
        const reply = await emu.control("POST", "backups", body);
        assert.ok(reply.status >= 400, JSON.stringify(body));
        assert.match(reply.json.error.message, message);
      }
      assert.equal((await emu.control("POST", "backups", { name: DAILY, database: DB })).status, 409);
    });
  });

  test("--data-dir: seeded and deleted backups survive a restart", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-backups-"));
    try {
      await withEmulator({ dataDir, backups: [{ name: DAILY, database: DB }] }, async (emu) => {
        assert.equal((await emu.control("POST", "backups", { name: EUR3, database: DB })).status, 200);
        assert.equal((await emu.call("DELETE", `/v1/${DAILY}`)).status, 200);
      });
      await withEmulator({ dataDir }, async (emu) => {
        assert.equal((await emu.call("GET", `/v1/${EUR3}`)).status, 200);
        assert.equal((await emu.call("GET", `/v1/${DAILY}`)).status, 404, "the deletion was kept");
      });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("the --backup flag of firestore-ops-emulator seeds one", async () => {
    const emu = await spawnEmulator(["--backup", `${DAILY}=${DB}`]);
    try {
      const reply = await fetch(`${emu.url}/v1/${DAILY}`);
      assert.equal(reply.status, 200);
      assert.equal(((await reply.json()) as { database: string }).database, DB);
    } finally {
      await emu.kill("SIGTERM");
    }
  });
});
