import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseOperation } from "../../client/operation-view";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";
import { overAfter, steppedClock } from "../support/stepped-clock";

const ADMIN = "type.googleapis.com/google.firestore.admin.v1";
const USERS = `${DB}/collectionGroups/users`;
const DEFAULT_INDEXES = [
  { queryScope: "COLLECTION", fields: [{ fieldPath: "age", order: "ASCENDING" }], state: "READY" },
  { queryScope: "COLLECTION", fields: [{ fieldPath: "age", order: "DESCENDING" }], state: "READY" },
  { queryScope: "COLLECTION", fields: [{ fieldPath: "age", arrayConfig: "CONTAINS" }], state: "READY" },
];
const TWO_FIELDS = [
  { fieldPath: "age", order: "ASCENDING" },
  { fieldPath: "city", order: "DESCENDING" },
];

const patchField = (emu: TestEmulator, field: string, body: unknown, mask?: string) =>
  emu.call("PATCH", `/v1/${USERS}/fields/${field}${mask ? `?updateMask=${mask}` : ""}`, body);

describe("fields", () => {
  test("get: a field nobody configured inherits __default__'s three single-field indexes and has no TTL", async () => {
    await withEmulator({}, async (emu) => {
      const field = (await emu.call("GET", `/v1/${USERS}/fields/age`)).json;
      assert.deepEqual(field, {
        name: `${USERS}/fields/age`,
        indexConfig: {
          indexes: DEFAULT_INDEXES,
          usesAncestorConfig: true,
          ancestorField: `${DB}/collectionGroups/__default__/fields/*`,
        },
      });
      assert.equal(
        (await emu.call("GET", `/v1/projects/demo-project/databases/nope/collectionGroups/u/fields/a`)).status,
        404,
      );
    });
  });

  test("patch ttlConfig: a FieldOperationMetadata operation with a ttlConfigDelta; the TTL is CREATING, then ACTIVE", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 10_000 } }, async (emu) => {
      const started = await patchField(emu, "expiresAt", { ttlConfig: {} }, "ttlConfig");
      assert.equal(started.status, 200, JSON.stringify(started.json));
      const metadata = started.json.metadata;
      assert.equal(metadata["@type"], `${ADMIN}.FieldOperationMetadata`);
      assert.equal(metadata.field, `${USERS}/fields/expiresAt`);
      assert.equal(metadata.state, "PROCESSING", "`state`, as index operations, not operationState");
      assert.equal(metadata.operationState, undefined);
      assert.deepEqual(metadata.ttlConfigDelta, { changeType: "ADD" });
      assert.equal(metadata.indexConfigDeltas, undefined, "the indexes do not change");
      assert.deepEqual(
        Object.keys(metadata),
        ["@type", "startTime", "field", "state", "ttlConfigDelta"],
        "operation.proto's field order, no progress in the start reply",
      );
      const during = (await emu.call("GET", `/v1/${USERS}/fields/expiresAt`)).json;
      assert.deepEqual(during.ttlConfig, { state: "CREATING" });
      const again = await patchField(emu, "expiresAt", {}, "ttlConfig");
      assert.equal(again.status, 400, "one change of a field at a time");
      assert.equal(again.json.error.status, "FAILED_PRECONDITION");

      const done = await overAfter(emu, clock, started.json.name, 10_000);
      assert.equal(done.metadata.state, "SUCCESSFUL");
      assert.equal(done.response["@type"], `${ADMIN}.Field`);
      assert.deepEqual(done.response.ttlConfig, { state: "ACTIVE" });
      assert.deepEqual((await emu.call("GET", `/v1/${USERS}/fields/expiresAt`)).json.ttlConfig, { state: "ACTIVE" });

      // Turning it off: a REMOVE delta, and the field inherits again.
      const off = await patchField(emu, "expiresAt", {}, "ttlConfig");
      assert.deepEqual(off.json.metadata.ttlConfigDelta, { changeType: "REMOVE" });
      await overAfter(emu, clock, off.json.name, 10_000);
      assert.equal((await emu.call("GET", `/v1/${USERS}/fields/expiresAt`)).json.ttlConfig, undefined);
    });
  });

  test("patch indexConfig: ADD and REMOVE deltas against the inherited indexes; the override is listed", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 1_000 } }, async (emu) => {
      const started = await patchField(
        emu,
        "age",
        {
          indexConfig: {
            indexes: [
              { queryScope: "COLLECTION", fields: [{ fieldPath: "age", order: "ASCENDING" }] },
              { queryScope: "COLLECTION_GROUP", fields: [{ fieldPath: "age", order: "ASCENDING" }] },
            ],
          },
        },
        "indexConfig",
      );
      assert.equal(started.status, 200, JSON.stringify(started.json));
      assert.deepEqual(started.json.metadata.indexConfigDeltas, [
        {
          changeType: "ADD",
          index: { queryScope: "COLLECTION_GROUP", fields: [{ fieldPath: "age", order: "ASCENDING" }] },
        },
        {
          changeType: "REMOVE",
          index: { queryScope: "COLLECTION", fields: [{ fieldPath: "age", order: "DESCENDING" }] },
        },
        {
          changeType: "REMOVE",
          index: { queryScope: "COLLECTION", fields: [{ fieldPath: "age", arrayConfig: "CONTAINS" }] },
        },
      ]);
      await overAfter(emu, clock, started.json.name, 1_000);
      const field = (await emu.call("GET", `/v1/${USERS}/fields/age`)).json;
      assert.equal(field.indexConfig.usesAncestorConfig, undefined, "an override");
      assert.equal(field.indexConfig.indexes.length, 2);

      const listed = await emu.call("GET", `/v1/${USERS}/fields?filter=indexConfig.usesAncestorConfig:false`);
      assert.deepEqual(
        listed.json.fields.map((f: { name: string }) => f.name),
        [`${USERS}/fields/age`],
      );
      const ttls = await emu.call("GET", `/v1/${USERS}/fields?filter=ttlConfig:*`);
      assert.deepEqual(ttls.json, {}, "no TTL policies");
    });
  });

  test("patch refusals name the field and rule, and start nothing", async () => {
    await withEmulator({}, async (emu) => {
      const cases: [string, unknown, string | undefined, RegExp][] = [
        ["age", {}, "colour", /update_mask path "colour"/],
        ["age", { name: `${USERS}/fields/other` }, undefined, /field\.name/],
        [
          "age",
          { indexConfig: { indexes: [{ fields: [{ fieldPath: "city", order: "ASCENDING" }] }] } },
          "indexConfig",
          /field_path "city" must be the field being configured/,
        ],
        [
          "age",
          { indexConfig: { indexes: [{ fields: [{ fieldPath: "age", order: "UP" }] }] } },
          "indexConfig",
          /order/,
        ],
        ["age", { indexConfig: { indexes: [{ fields: TWO_FIELDS }] } }, "indexConfig", /exactly one field/],
        ["age", { ttlConfig: { state: "ACTIVE", extra: 1 } }, "ttlConfig", /Unknown name "extra"/],
      ];
      for (const [field, body, mask, message] of cases) {
        const reply = await patchField(emu, field, body, mask);
        assert.equal(reply.status, 400, JSON.stringify(body));
        assert.match(reply.json.error.message, message);
      }
      const star = await emu.call("PATCH", `/v1/${DB}/collectionGroups/__default__/fields/*?updateMask=ttlConfig`, {
        ttlConfig: {},
      });
      assert.equal(star.status, 400, "no TTL on the default");
      assert.equal((await emu.control("GET", "operations")).json.operations.length, 0);
    });
  });
});

describe("indexes", () => {
  test("list and get: CREATING while the build runs, READY after; delete removes it (NOT_FOUND after)", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 1_000 } }, async (emu) => {
      const started = await emu.call("POST", `/v1/${USERS}/indexes`, { queryScope: "COLLECTION", fields: TWO_FIELDS });
      assert.equal(started.status, 200, JSON.stringify(started.json));
      const name = started.json.metadata.index as string;
      const building = (await emu.call("GET", `/v1/${USERS}/indexes`)).json.indexes;
      assert.deepEqual(building, [{ name, queryScope: "COLLECTION", fields: TWO_FIELDS, state: "CREATING" }]);
      assert.equal((await emu.call("GET", `/v1/${name}`)).json.state, "CREATING");

      await overAfter(emu, clock, started.json.name, 1_000);
      assert.deepEqual((await emu.call("GET", `/v1/${name}`)).json, {
        name,
        queryScope: "COLLECTION",
        fields: TWO_FIELDS,
        state: "READY",
      });
      const all = (await emu.call("GET", `/v1/${DB}/collectionGroups/-/indexes`)).json.indexes;
      assert.deepEqual(
        all.map((i: { name: string }) => i.name),
        [name],
        "`-` lists every collection group's",
      );
      assert.deepEqual((await emu.call("GET", `/v1/${DB}/collectionGroups/orders/indexes`)).json, {});
      const duplicate = await emu.call("POST", `/v1/${USERS}/indexes`, { fields: TWO_FIELDS });
      assert.equal(duplicate.status, 409, "it exists");

      const deleted = await emu.call("DELETE", `/v1/${name}`);
      assert.equal(deleted.status, 200);
      assert.deepEqual(deleted.json, {});
      assert.equal((await emu.call("GET", `/v1/${name}`)).status, 404);
      assert.deepEqual((await emu.call("GET", `/v1/${USERS}/indexes`)).json, {});
      assert.equal((await emu.call("DELETE", `/v1/${name}`)).status, 404);
      const rebuilt = await emu.call("POST", `/v1/${USERS}/indexes`, { fields: TWO_FIELDS });
      assert.equal(rebuilt.status, 200, "a deleted index can be created again");
    });
  });
});

describe("a busy database's operation list", () => {
  test("holds every type a real database shows, and the client reads each", async () => {
    const clock = steppedClock();
    await withEmulator(
      {
        now: clock.now,
        backups: [{ name: "projects/demo-project/locations/nam5/backups/b", database: DB }],
        behaviour: { operationDurationMs: 60_000 },
      },
      async (emu) => {
        const calls: [string, string, unknown][] = [
          ["POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/x" }],
          ["POST", `/v1/${DB}:bulkDeleteDocuments`, { collectionIds: ["users"] }],
          ["POST", `/v1/${USERS}/indexes`, { fields: TWO_FIELDS }],
          ["PATCH", `/v1/${USERS}/fields/expiresAt?updateMask=ttlConfig`, { ttlConfig: {} }],
          [
            "PATCH",
            `/v1/${DB}?updateMask=deleteProtectionState`,
            { deleteProtectionState: "DELETE_PROTECTION_ENABLED" },
          ],
        ];
        for (const [method, url, body] of calls) {
          assert.equal((await emu.call(method, url, body)).status, 200, url);
        }
        clock.advance(30_000);
        const listed = (await emu.call("GET", `/v1/${DB}/operations`)).json.operations;
        const types = listed.map((o: { metadata: { "@type": string } }) => o.metadata["@type"].split(".").pop());
        assert.deepEqual(types.sort(), [
          "BulkDeleteDocumentsMetadata",
          "ExportDocumentsMetadata",
          "FieldOperationMetadata",
          "IndexOperationMetadata",
          "UpdateDatabaseMetadata",
        ]);
        for (const op of listed) {
          const view = parseOperation(op);
          // UpdateDatabaseMetadata is an empty message: no state to read, only that it is not done.
          const state = view.metadataType === "UpdateDatabaseMetadata" ? "OPERATION_STATE_UNSPECIFIED" : "PROCESSING";
          assert.equal(view.state, state, view.metadataType);
          assert.equal(view.done, false);
        }
        const field = parseOperation(listed.find((o: { metadata: { field?: string } }) => o.metadata.field));
        assert.equal(field.resource, `${USERS}/fields/expiresAt`);
        const filtered = await emu.call(
          "GET",
          `/v1/${DB}/operations?filter=${encodeURIComponent(`metadata.@type="${ADMIN}.FieldOperationMetadata"`)}`,
        );
        assert.equal(filtered.status, 200, JSON.stringify(filtered.json));
      },
    );
  });
});
