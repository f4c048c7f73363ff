import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { DB, type HttpReply, type TestEmulator, withEmulator } from "../support/emulator-client";
import { overAfter, steppedClock } from "../support/stepped-clock";

const INDEXES = `/v1/${DB}/collectionGroups/users/indexes`;
const TWO_FIELDS = [
  { fieldPath: "age", order: "ASCENDING" },
  { fieldPath: "tags", arrayConfig: "CONTAINS" },
];

const operationCount = async (emu: TestEmulator): Promise<number> =>
  (await emu.control("GET", "operations")).json.operations.length;

function assertRefused(reply: HttpReply, http: number, status: string, message: string | RegExp): void {
  assert.equal(reply.status, http, JSON.stringify(reply.json));
  assert.equal(reply.json.error.status, status);
  if (typeof message === "string") assert.equal(reply.json.error.message, message);
  else assert.match(reply.json.error.message, message);
}

describe("index operations", () => {
  test("a composite index of one field is refused (also with only __name__ besides), starting nothing", async () => {
    await withEmulator({}, async (emu) => {
      for (const fields of [
        [{ fieldPath: "age", order: "ASCENDING" }],
        [
          { fieldPath: "age", order: "ASCENDING" },
          { fieldPath: "__name__", order: "ASCENDING" },
        ],
      ]) {
        const reply = await emu.call("POST", INDEXES, { queryScope: "COLLECTION", fields });
        assertRefused(
          reply,
          400,
          "INVALID_ARGUMENT",
          "this index is not necessary, configure using single field index controls",
        );
      }
      assert.equal(await operationCount(emu), 0);
      // A vector index needs only its vector field.
      const vector = await emu.call("POST", INDEXES, {
        fields: [{ fieldPath: "embedding", vectorConfig: { dimension: 3, flat: {} } }],
      });
      assert.equal(vector.status, 200, JSON.stringify(vector.json));
    });
  });

  test("malformed fields and enums are refused with the path of the value", async () => {
    await withEmulator({}, async (emu) => {
      assertRefused(
        await emu.call("POST", INDEXES, { queryScope: "DATABASE", fields: TWO_FIELDS }),
        400,
        "INVALID_ARGUMENT",
        `Invalid value at 'index.query_scope' (type.googleapis.com/google.firestore.admin.v1.Index.QueryScope), "DATABASE"`,
      );
      assertRefused(
        await emu.call("POST", INDEXES, { fields: [TWO_FIELDS[0], { fieldPath: "b", order: "UP" }] }),
        400,
        "INVALID_ARGUMENT",
        /Invalid value at 'index\.fields\[1\]\.order'.*"UP"/,
      );
      assertRefused(
        await emu.call("POST", INDEXES, { fields: [TWO_FIELDS[0], { fieldPath: "b", order: "ASCENDING", mode: 1 }] }),
        400,
        "INVALID_ARGUMENT",
        `Invalid JSON payload received. Unknown name "mode" at 'index.fields[1]': Cannot find field.`,
      );
      assertRefused(
        await emu.call("POST", INDEXES, { fields: TWO_FIELDS, unique: "yes" }),
        400,
        "INVALID_ARGUMENT",
        `Invalid value at 'index.unique' (TYPE_BOOL), "yes"`,
      );
      assert.equal(await operationCount(emu), 0);
    });
  });

  test("the finished index echoes queryScope, fields and unique", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 100 } }, async (emu) => {
      const started = await emu.call("POST", INDEXES, {
        queryScope: "COLLECTION_GROUP",
        fields: TWO_FIELDS,
        unique: true,
      });
      assert.equal(started.status, 200, JSON.stringify(started.json));
      const index = (await overAfter(emu, clock, started.json.name, 100)).response;
      assert.equal(index["@type"], "type.googleapis.com/google.firestore.admin.v1.Index");
      assert.equal(index.name, started.json.metadata.index);
      assert.equal(index.queryScope, "COLLECTION_GROUP");
      assert.deepEqual(index.fields, TWO_FIELDS);
      assert.equal(index.unique, true);
      assert.equal(index.state, "READY");

      // proto3 JSON omits defaults: no `unique: false`, queryScope defaults to COLLECTION.
      const plain = await emu.call("POST", `/v1/${DB}/collectionGroups/orders/indexes`, {
        fields: TWO_FIELDS,
        unique: false,
      });
      const plainIndex = (await overAfter(emu, clock, plain.json.name, 100)).response;
      assert.equal(plainIndex.queryScope, "COLLECTION");
      assert.equal("unique" in plainIndex, false);
    });
  });

  test("apiScope and density: a default (by name, as 0 or null) is omitted, another kept by name, a bad one refused", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 100 } }, async (emu) => {
      const built = async (collectionGroup: string, enums: Record<string, unknown>) => {
        const started = await emu.call("POST", `/v1/${DB}/collectionGroups/${collectionGroup}/indexes`, {
          fields: TWO_FIELDS,
          ...enums,
        });
        assert.equal(started.status, 200, JSON.stringify(started.json));
        return (await overAfter(emu, clock, started.json.name, 100)).response;
      };
      const named = await built("named", { apiScope: "MONGODB_COMPATIBLE_API", density: "DENSE" });
      assert.deepEqual([named.apiScope, named.density], ["MONGODB_COMPATIBLE_API", "DENSE"]);
      const numbered = await built("numbered", { apiScope: 1, density: 2 });
      assert.deepEqual([numbered.apiScope, numbered.density], ["DATASTORE_MODE_API", "SPARSE_ANY"]);
      for (const [collectionGroup, defaults] of Object.entries({
        byName: { apiScope: "ANY_API", density: "DENSITY_UNSPECIFIED" },
        byNumber: { apiScope: 0, density: 0 },
        byNull: { apiScope: null, density: null },
      })) {
        const index = await built(collectionGroup, defaults);
        assert.deepEqual(
          [Object.hasOwn(index, "apiScope"), Object.hasOwn(index, "density")],
          [false, false],
          collectionGroup,
        );
      }
      assertRefused(
        await emu.call("POST", INDEXES, { fields: TWO_FIELDS, apiScope: "EVERYWHERE" }),
        400,
        "INVALID_ARGUMENT",
        /Invalid value at 'index\.api_scope' \(type\.googleapis\.com\/google\.firestore\.admin\.v1\.Index\.ApiScope\), "EVERYWHERE"/,
      );
      assertRefused(
        await emu.call("POST", INDEXES, { fields: TWO_FIELDS, density: 7 }),
        400,
        "INVALID_ARGUMENT",
        /Invalid value at 'index\.density' \(type\.googleapis\.com\/google\.firestore\.admin\.v1\.Index\.Density\), 7/,
      );
    });
  });

  test("the same index twice is 409 ALREADY_EXISTS, while building and once built; a different one is not", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 300 } }, async (emu) => {
      const first = await emu.call("POST", INDEXES, { fields: TWO_FIELDS });
      assert.equal(first.status, 200);
      assert.equal((await emu.call("GET", `/v1/${first.json.name}`)).json.done, undefined, "still building");
      const again = await emu.call("POST", INDEXES, { queryScope: "COLLECTION", fields: TWO_FIELDS });
      assertRefused(again, 409, "ALREADY_EXISTS", "index already exists");
      await overAfter(emu, clock, first.json.name, 300);
      assertRefused(await emu.call("POST", INDEXES, { fields: TWO_FIELDS }), 409, "ALREADY_EXISTS", /already exists/);
      assert.equal(await operationCount(emu), 1, "no second build started");

      // Another scope, field order, collection group or uniqueness is another index.
      for (const [path, body] of [
        [INDEXES, { queryScope: "COLLECTION_GROUP", fields: TWO_FIELDS }],
        [INDEXES, { fields: [...TWO_FIELDS].reverse() }],
        [INDEXES, { fields: TWO_FIELDS, unique: true }],
        [`/v1/${DB}/collectionGroups/orders/indexes`, { fields: TWO_FIELDS }],
      ] as const) {
        const reply = await emu.call("POST", path, body);
        assert.equal(reply.status, 200, `${JSON.stringify(body)}: ${JSON.stringify(reply.json)}`);
      }
    });
  });

  test("a cancelled build leaves no index: the same definition can be built again", async () => {
    const clock = steppedClock();
    await withEmulator(
      { now: clock.now, behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 0 } },
      async (emu) => {
        const first = await emu.call("POST", INDEXES, { fields: TWO_FIELDS });
        assert.equal((await emu.call("POST", `/v1/${first.json.name}:cancel`)).status, 200);
        const cancelled = await overAfter(emu, clock, first.json.name, 0);
        assert.equal(cancelled.metadata.state, "CANCELLED");
        const again = await emu.call("POST", INDEXES, { fields: TWO_FIELDS });
        assert.equal(again.status, 200, JSON.stringify(again.json));
      },
    );
  });

  test("with --data-dir the definition survives a restart: still echoed, still a duplicate", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-index-"));
    try {
      let name = "";
      const clock = steppedClock();
      await withEmulator({ dataDir, now: clock.now, behaviour: { operationDurationMs: 100 } }, async (emu) => {
        const started = await emu.call("POST", INDEXES, { fields: TWO_FIELDS, unique: true });
        assert.equal(started.status, 200, JSON.stringify(started.json));
        name = started.json.name;
      });
      await withEmulator({ dataDir, now: clock.now }, async (emu) => {
        const index = (await overAfter(emu, clock, name, 100)).response;
        assert.deepEqual(index.fields, TWO_FIELDS);
        assert.equal(index.unique, true);
        assertRefused(
          await emu.call("POST", INDEXES, { fields: TWO_FIELDS, unique: true }),
          409,
          "ALREADY_EXISTS",
          "index already exists",
        );
      });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
