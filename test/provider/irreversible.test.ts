/** The preview warning for a planned import or bulk delete (check of a create, diff of a replace). */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { UNKNOWN } from "../../provider/check";
import { irreversibleWarning } from "../../provider/irreversible";
import { withProvider } from "../support/provider-harness";

const DB = "projects/demo-project/databases/(default)";
const URN = "urn:pulumi:test::proj::firestore-operations:index:FirestoreBulkDelete::purge";

describe("preview warns that import and bulk delete cannot be undone", () => {
  test("the wording: database, collections, source, PITR; none for export or adopted operations", () => {
    assert.equal(
      irreversibleWarning("import", { database: DB, inputUriPrefix: "gs://b/x", collectionIds: ["users"] }, "restore"),
      `restore: this import into ${DB} (collection users) from gs://b/x cannot be undone: it overwrites documents with the same ids and adds the others, and cancelling it does not roll back what it already wrote.`,
    );
    assert.match(
      irreversibleWarning("bulkDelete", { database: DB }, "purge") ?? "",
      /^purge: this bulk delete of all collections in projects\/demo-project\/databases\/\(default\) cannot be undone: deleted documents cannot be restored unless point-in-time recovery \(PITR\) covers them/,
    );
    assert.match(
      irreversibleWarning("bulkDelete", { database: UNKNOWN, collectionIds: UNKNOWN }, "purge") ?? "",
      /bulk delete of collections known only when it is deployed in a database known only when it is deployed/,
    );
    assert.equal(irreversibleWarning("export", { database: DB }, "backup"), undefined);
    assert.equal(irreversibleWarning("adopted", { database: DB }, "op"), undefined);
  });

  test("check of a create warns once, with the resource's URN; check of an existing one and an export do not", async () => {
    await withProvider({}, {}, async (h) => {
      const provider = h.provider("bulkDelete");
      await provider.check({}, { collectionIds: ["sessions"], resourceUrn: URN });
      const warnings = h.messages.filter((m) => m.level === "warn");
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0]?.text ?? "",
        /^purge: this bulk delete of collection sessions in projects\/demo-project/,
      );
      await provider.check({ collectionIds: ["sessions"] }, { collectionIds: ["sessions"], resourceUrn: URN });
      await h.provider("export").check({}, { outputUriPrefix: "gs://bkt/x", resourceUrn: URN });
      assert.equal(h.messages.filter((m) => m.level === "warn").length, 1, "no more warnings");
      // An input error: nothing is planned, nothing to warn about.
      await provider.check({}, { collectionIds: ["a", "a"], resourceUrn: URN });
      assert.equal(h.messages.filter((m) => m.level === "warn").length, 1);
    });
  });

  test("diff of a replace (a new bulk delete) warns; a diff without changes does not", async () => {
    await withProvider({}, {}, async (h) => {
      const created = await h.up("bulkDelete", { collectionIds: ["sessions"], resourceUrn: URN });
      const before = h.messages.filter((m) => m.level === "warn").length;
      const provider = h.provider("bulkDelete");
      const same = await provider.diff(created.id, created.outs, { ...created.outs });
      assert.equal(same.replaces?.length ?? 0, 0);
      assert.equal(h.messages.filter((m) => m.level === "warn").length, before);
      const replaced = await provider.diff(created.id, created.outs, {
        database: DB,
        collectionIds: ["carts"],
        resourceUrn: URN,
      });
      assert.ok(replaced.replaces?.includes("collectionIds"), "a replace");
      const warnings = h.messages.filter((m) => m.level === "warn").slice(before);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]?.text ?? "", /bulk delete of collection carts/);
    });
  });
});
