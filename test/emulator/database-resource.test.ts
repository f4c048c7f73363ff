import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";
import { overAfter, steppedClock } from "../support/stepped-clock";

const PROJECT = "projects/demo-project";
const ADMIN = "type.googleapis.com/google.firestore.admin.v1";
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const patch = (emu: TestEmulator, body: unknown, mask = "deleteProtectionState", database = DB) =>
  emu.call("PATCH", `/v1/${database}?updateMask=${mask}`, body);

describe("the Database resource", () => {
  test("get: every field database.proto has for a Firestore Native database, output-only ones filled, in order", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, pointInTimeRecovery: true }, async (emu) => {
      clock.advance(2 * 24 * 3600 * 1000);
      const db = (await emu.call("GET", `/v1/${DB}`)).json;
      assert.deepEqual(Object.keys(db), [
        "name",
        "uid",
        "createTime",
        "updateTime",
        "locationId",
        "type",
        "concurrencyMode",
        "versionRetentionPeriod",
        "earliestVersionTime",
        "pointInTimeRecoveryEnablement",
        "appEngineIntegrationMode",
        "deleteProtectionState",
        "etag",
        "databaseEdition",
      ]);
      assert.match(db.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.match(db.createTime, TIMESTAMP, "a seeded database has a creation time too");
      assert.equal(db.updateTime, db.createTime);
      assert.equal(db.versionRetentionPeriod, "604800s", "7 days with PITR");
      assert.equal(Date.parse(db.earliestVersionTime), Date.parse(db.createTime), "no earlier than its creation");
      assert.equal(db.deleteProtectionState, "DELETE_PROTECTION_DISABLED");
      clock.advance(6 * 24 * 3600 * 1000);
      const later = (await emu.call("GET", `/v1/${DB}`)).json;
      assert.equal(
        Date.parse(later.earliestVersionTime),
        clock.now() - 7 * 24 * 3600 * 1000,
        "the retention window moves with time",
      );
    });
  });

  test("without PITR the versions go back an hour", async () => {
    await withEmulator({}, async (emu) => {
      const db = (await emu.call("GET", `/v1/${DB}`)).json;
      assert.equal(db.versionRetentionPeriod, "3600s");
      assert.equal(db.pointInTimeRecoveryEnablement, "POINT_IN_TIME_RECOVERY_DISABLED");
    });
  });

  test("databases.list: the project's databases, deleted ones gone; another project's none", async () => {
    const clock = steppedClock();
    const other = `${PROJECT}/databases/second-db`;
    await withEmulator(
      { now: clock.now, databases: [DB, other, "projects/elsewhere/databases/(default)"] },
      async (emu) => {
        const names = async (project: string) =>
          ((await emu.call("GET", `/v1/${project}/databases`)).json.databases ?? []).map(
            (d: { name: string }) => d.name,
          );
        assert.deepEqual(await names(PROJECT), [DB, other]);
        const listed = (await emu.call("GET", `/v1/${PROJECT}/databases`)).json.databases[0];
        assert.deepEqual(listed, (await emu.call("GET", `/v1/${DB}`)).json, "the same resource as get");
        const deleting = await emu.call("DELETE", `/v1/${other}`);
        assert.equal(deleting.status, 200);
        await overAfter(emu, clock, deleting.json.name, 60_000);
        assert.deepEqual(await names(PROJECT), [DB]);
        assert.deepEqual((await emu.call("GET", "/v1/projects/nobody/databases")).json, {});
        assert.equal((await emu.call("GET", `/v1/${PROJECT}/databases?showDeleted=true`)).status, 200);
        assert.equal((await emu.call("GET", `/v1/${PROJECT}/databases?pageSize=3`)).status, 400, "no such field");
      },
    );
  });

  test("databases.patch: an UpdateDatabaseMetadata operation; the change takes effect when it succeeds", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 10_000 } }, async (emu) => {
      const before = (await emu.call("GET", `/v1/${DB}`)).json;
      const started = await patch(emu, { deleteProtectionState: "DELETE_PROTECTION_ENABLED" });
      assert.equal(started.status, 200, JSON.stringify(started.json));
      assert.match(started.json.name, /^projects\/demo-project\/databases\/\(default\)\/operations\//);
      assert.deepEqual(started.json.metadata, { "@type": `${ADMIN}.UpdateDatabaseMetadata` }, "an empty message");
      assert.equal(
        (await emu.call("GET", `/v1/${DB}`)).json.deleteProtectionState,
        "DELETE_PROTECTION_DISABLED",
        "not yet",
      );
      const busy = await patch(emu, { deleteProtectionState: "DELETE_PROTECTION_DISABLED" });
      assert.equal(busy.status, 400, "one update at a time");
      assert.equal(busy.json.error.status, "FAILED_PRECONDITION");

      clock.advance(5_000);
      const done = await overAfter(emu, clock, started.json.name, 5_000);
      assert.equal(done.response["@type"], `${ADMIN}.Database`);
      assert.equal(done.response.deleteProtectionState, "DELETE_PROTECTION_ENABLED");
      const after = (await emu.call("GET", `/v1/${DB}`)).json;
      assert.equal(after.deleteProtectionState, "DELETE_PROTECTION_ENABLED");
      assert.ok(Date.parse(after.updateTime) > Date.parse(before.updateTime), "updateTime moved");
      assert.notEqual(after.etag, before.etag, "a new etag for the new version");
      const listed = await emu.call("GET", `/v1/${DB}/operations?filter=done%3Dtrue`);
      assert.ok(
        listed.json.operations.some((o: { name: string }) => o.name === started.json.name),
        "listed with the database's operations",
      );
    });
  });

  test("databases.patch refuses what it cannot do, naming the field, and starts nothing", async () => {
    await withEmulator({}, async (emu) => {
      const cases: [string, unknown, RegExp][] = [
        ["deleteProtectionState", { deleteProtectionState: "SOMETIMES" }, /database\.delete_protection_state/],
        ["locationId", { locationId: "eur3" }, /update_mask path "locationId"/],
        ["deleteProtectionState", { colour: "red" }, /Unknown name "colour"/],
        [
          "deleteProtectionState",
          { name: `${PROJECT}/databases/other`, deleteProtectionState: "DELETE_PROTECTION_ENABLED" },
          /database\.name/,
        ],
      ];
      for (const [mask, body, message] of cases) {
        const reply = await patch(emu, body, mask);
        assert.equal(reply.status, 400, JSON.stringify(body));
        assert.match(reply.json.error.message, message);
      }
      const missing = await patch(emu, {}, "deleteProtectionState", `${PROJECT}/databases/missing`);
      assert.equal(missing.status, 404);
      assert.equal((await emu.control("GET", "operations")).json.operations.length, 0);
    });
  });

  test("delete protection: databases.delete is refused with FAILED_PRECONDITION until it is turned off", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 1_000 } }, async (emu) => {
      const created = await emu.call("POST", `/v1/${PROJECT}/databases?databaseId=kept-db`, {
        deleteProtectionState: "DELETE_PROTECTION_ENABLED",
      });
      assert.equal(created.status, 200, JSON.stringify(created.json));
      await overAfter(emu, clock, created.json.name, 1_000);
      const kept = `${PROJECT}/databases/kept-db`;
      assert.equal((await emu.call("GET", `/v1/${kept}`)).json.deleteProtectionState, "DELETE_PROTECTION_ENABLED");

      const refused = await emu.call("DELETE", `/v1/${kept}`);
      assert.equal(refused.status, 400);
      assert.equal(refused.json.error.status, "FAILED_PRECONDITION");
      assert.match(refused.json.error.message, /delete protection/);
      assert.equal((await emu.call("GET", `/v1/${kept}`)).status, 200, "still there");

      const unprotect = await patch(emu, { deleteProtectionState: "DELETE_PROTECTION_DISABLED" }, undefined, kept);
      await overAfter(emu, clock, unprotect.json.name, 1_000);
      const deleting = await emu.call("DELETE", `/v1/${kept}`);
      assert.equal(deleting.status, 200, JSON.stringify(deleting.json));
      await overAfter(emu, clock, deleting.json.name, 1_000);
      assert.equal((await emu.call("GET", `/v1/${kept}`)).status, 404);
    });
  });

  test("--data-dir: database updates, field changes and every operation kind load again after a restart", async () => {
    const clock = steppedClock();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-db-resource-"));
    try {
      const names: string[] = [];
      await withEmulator({ now: clock.now, dataDir, behaviour: { operationDurationMs: 1_000 } }, async (emu) => {
        names.push((await patch(emu, { deleteProtectionState: "DELETE_PROTECTION_ENABLED" })).json.name);
        names.push(
          (
            await emu.call("PATCH", `/v1/${DB}/collectionGroups/users/fields/ttl?updateMask=ttlConfig`, {
              ttlConfig: {},
            })
          ).json.name,
        );
        names.push((await emu.call("POST", `/v1/${PROJECT}/databases?databaseId=made-db`, {})).json.name);
        clock.advance(1_000);
        for (const name of names) assert.equal((await emu.call("GET", `/v1/${name}`)).json.done, true);
      });
      await withEmulator({ now: clock.now, dataDir }, async (emu) => {
        for (const name of names) assert.equal((await emu.call("GET", `/v1/${name}`)).json.done, true, name);
        assert.equal((await emu.call("GET", `/v1/${DB}`)).json.deleteProtectionState, "DELETE_PROTECTION_ENABLED");
        const field = (await emu.call("GET", `/v1/${DB}/collectionGroups/users/fields/ttl`)).json;
        assert.deepEqual(field.ttlConfig, { state: "ACTIVE" });
      });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
