/**
 * collectionIds and namespaceIds are sets: check sorts them, and diff compares them as sets, so reordering the
 * list in a program is no change (a replace would cancel a running export and start it anew).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { withProvider } from "../support/provider-harness";

const NO_CHANGE = { changes: false, replaces: [], deleteBeforeReplace: true };

describe("collectionIds and namespaceIds compare as sets", () => {
  test("check sorts them, and the server is asked with the sorted list", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const checked = await h
        .provider("export")
        .check(
          {},
          { outputUriPrefix: "gs://bkt/x", collectionIds: ["users", "orders", "carts"], namespaceIds: ["z", "", "a"] },
        );
      assert.deepEqual(checked.failures, []);
      assert.deepEqual(checked.inputs.collectionIds, ["carts", "orders", "users"]);
      assert.deepEqual(checked.inputs.namespaceIds, ["", "a", "z"]);
      const { id } = await h.up("export", {
        outputUriPrefix: "gs://bkt/x",
        collectionIds: ["users", "orders", "carts"],
      });
      const op = (
        (await h.emu.control("GET", "operations")).json.operations as { name: string; request: never }[]
      ).find((o) => o.name === id);
      assert.deepEqual((op?.request as { collectionIds?: string[] } | undefined)?.collectionIds, [
        "carts",
        "orders",
        "users",
      ]);
    });
  });

  for (const kind of ["export", "import", "bulkDelete"] as const) {
    test(`${kind}: a reordered list is no change; a different set replaces`, async () => {
      await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
        const base =
          kind === "export"
            ? { outputUriPrefix: "gs://bkt/x" }
            : kind === "import"
              ? { inputUriPrefix: "gs://bkt/export-1" }
              : {};
        const p = h.provider(kind);
        const { id, outs } = await h.up(kind, { ...base, collectionIds: ["b", "a"], namespaceIds: ["n2", "n1"] });
        const reordered = await p.check(outs, { ...base, collectionIds: ["a", "b"], namespaceIds: ["n1", "n2"] });
        assert.deepEqual(await p.diff(id, outs, reordered.inputs as never), NO_CHANGE);
        const reversed = await p.check(outs, { ...base, collectionIds: ["b", "a"], namespaceIds: ["n2", "n1"] });
        assert.deepEqual(await p.diff(id, outs, reversed.inputs as never), NO_CHANGE);

        const other = await p.check(outs, { ...base, collectionIds: ["a", "c"], namespaceIds: ["n1", "n2"] });
        assert.deepEqual((await p.diff(id, outs, other.inputs as never)).replaces, ["collectionIds"]);
        const fewer = await p.check(outs, { ...base, collectionIds: ["a", "b"], namespaceIds: ["n1"] });
        assert.deepEqual((await p.diff(id, outs, fewer.inputs as never)).replaces, ["namespaceIds"]);
      });
    });
  }

  test("outputs stored unsorted by 0.1.0 against a sorted (checked) program: no change", async () => {
    await withProvider({}, {}, async (h) => {
      const p = h.provider("export");
      // What 0.1.0 stored: the lists in the program's order.
      const olds = {
        database: "projects/demo-project/databases/(default)",
        outputUriPrefix: "gs://bkt/x",
        collectionIds: ["users", "orders"],
        namespaceIds: ["tenant-b", "tenant-a"],
        waitFor: "started",
        timeouts: { create: "2h", delete: "30m" },
        onCancelLost: "warn",
        operationName: "projects/demo-project/databases/(default)/operations/ASold",
        state: "PROCESSING",
        done: false,
        cancellation: "none",
      } as never;
      const news = await p.check(olds, {
        outputUriPrefix: "gs://bkt/x",
        collectionIds: ["users", "orders"],
        namespaceIds: ["tenant-b", "tenant-a"],
      });
      assert.deepEqual((news.inputs as { collectionIds: string[] }).collectionIds, ["orders", "users"]);
      assert.deepEqual(await p.diff("id", olds, news.inputs as never), NO_CHANGE);
    });
  });
});
