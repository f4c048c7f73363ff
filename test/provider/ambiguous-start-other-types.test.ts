/**
 * The ambiguous-start lookup lists the database's operations: a busy database's list holds index builds, field
 * and TTL changes and database updates besides exports. The lookup passes over them (they match no export
 * request) and still adopts the export its POST started.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEV_TOKEN } from "../../emulator/index";
import { DB } from "../support/emulator-client";
import { withProvider } from "../support/provider-harness";

const AUTH = { authorization: `Bearer ${DEV_TOKEN}` };
const USERS = `${DB}/collectionGroups/users`;

describe("ambiguous-start lookup in a busy database", () => {
  test("index, field and database-update operations in the list: the export our POST started is adopted", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const others: [string, string, unknown][] = [
        [
          "POST",
          `/v1/${USERS}/indexes`,
          {
            fields: [
              { fieldPath: "a", order: "ASCENDING" },
              { fieldPath: "b", order: "DESCENDING" },
            ],
          },
        ],
        ["PATCH", `/v1/${USERS}/fields/expiresAt?updateMask=ttlConfig`, { ttlConfig: {} }],
        ["PATCH", `/v1/${DB}?updateMask=deleteProtectionState`, { deleteProtectionState: "DELETE_PROTECTION_ENABLED" }],
      ];
      for (const [method, path, body] of others) {
        const reply = await h.emu.call(method, path, body, AUTH);
        assert.equal(reply.status, 200, `${path}: ${JSON.stringify(reply.json)}`);
      }
      await h.emu.control("PATCH", "behaviour", {
        faults: { rate: 1, kinds: ["commit-then-500"], endpoints: ["exportDocuments"] },
      });

      const { id } = await h.up("export", { outputUriPrefix: "gs://bkt/busy", collectionIds: ["users"] });
      const posts = await h.requests("exportDocuments");
      assert.equal(posts.length, 1, "sent once, never retried");
      assert.equal(posts[0]?.fault, "commit-then-500", "the fault was injected: the start was ambiguous");
      assert.equal(id, posts[0]?.operation, "the export our POST started was adopted");
      const lists = await h.requests("operations.list");
      assert.ok(lists.length >= 1, "the lookup listed the operations");
      const listed = (await h.emu.call("GET", `/v1/${DB}/operations`, undefined, AUTH)).json.operations;
      assert.equal(listed.length, 4, "the list the lookup read held the three others too");
    });
  });
});
