import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DB, sleep, waitFor, withEmulator } from "../support/emulator-client";

describe("import and bulk delete", () => {
  test("an import of a path with no finished export starts, then FAILS with a clear error", async () => {
    await withEmulator({ behaviour: { operationDurationMs: 200 } }, async (emu) => {
      const { json } = await emu.call("POST", `/v1/${DB}:importDocuments`, { inputUriPrefix: "gs://bkt/nothing-here" });
      assert.equal(json.metadata["@type"], "type.googleapis.com/google.firestore.admin.v1.ImportDocumentsMetadata");
      assert.equal(json.metadata.inputUriPrefix, "gs://bkt/nothing-here");
      const done = (
        await waitFor(
          () => emu.call("GET", `/v1/${json.name}`),
          (r) => r.json.done === true,
        )
      ).json;
      assert.equal(done.metadata.operationState, "FAILED");
      assert.equal(done.error.code, 3);
      assert.match(done.error.message, /nothing-here\/nothing-here\.overall_export_metadata/);
    });
  });

  test("import from a finished export writes its documents; bulk delete removes them", async () => {
    await withEmulator({ behaviour: { operationDurationMs: 150 } }, async (emu) => {
      const exported = (
        await emu.call("POST", `/v1/${DB}:exportDocuments`, {
          outputUriPrefix: "gs://bkt/snap",
          collectionIds: ["users"],
        })
      ).json;
      await waitFor(
        () => emu.call("GET", `/v1/${exported.name}`),
        (r) => r.json.done === true,
      );
      const counts = async () => (await emu.control("GET", `${DB}/documents`)).json.collections;
      assert.equal((await counts()).users.documents, 1200);

      const imported = (await emu.call("POST", `/v1/${DB}:importDocuments`, { inputUriPrefix: "gs://bkt/snap" })).json;
      const importDone = (
        await waitFor(
          () => emu.call("GET", `/v1/${imported.name}`),
          (r) => r.json.done === true,
        )
      ).json;
      assert.equal(importDone.metadata.operationState, "SUCCESSFUL");
      assert.deepEqual(importDone.response, { "@type": "type.googleapis.com/google.protobuf.Empty" });
      assert.equal((await counts()).users.documents, 2400, "the import wrote 1200 documents");

      const deleted = (await emu.call("POST", `/v1/${DB}:bulkDeleteDocuments`, { collectionIds: ["users"] })).json;
      assert.equal(
        deleted.metadata["@type"],
        "type.googleapis.com/google.firestore.admin.v1.BulkDeleteDocumentsMetadata",
      );
      assert.ok(deleted.metadata.snapshotTime, "bulk delete reports the version it reads, for PITR recovery");
      const deleteDone = (
        await waitFor(
          () => emu.call("GET", `/v1/${deleted.name}`),
          (r) => r.json.done === true,
        )
      ).json;
      assert.deepEqual(deleteDone.response, {
        "@type": "type.googleapis.com/google.firestore.admin.v1.BulkDeleteDocumentsResponse",
      });
      assert.equal((await counts()).users.documents, 0);
      assert.equal((await counts()).orders.documents, 5000, "other collections untouched");
    });
  });

  test("a cancelled import leaves the documents it already wrote", async () => {
    await withEmulator({ behaviour: { operationDurationMs: 100 } }, async (emu) => {
      const exported = (await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/snap" })).json;
      await waitFor(
        () => emu.call("GET", `/v1/${exported.name}`),
        (r) => r.json.done === true,
      );
      await emu.control("PATCH", "behaviour", { operationDurationMs: 2_000, cancelLatencyMs: 0 });
      const imported = (await emu.call("POST", `/v1/${DB}:importDocuments`, { inputUriPrefix: "gs://bkt/snap" })).json;
      await sleep(600);
      await emu.call("POST", `/v1/${imported.name}:cancel`);
      const done = (
        await waitFor(
          () => emu.call("GET", `/v1/${imported.name}`),
          (r) => r.json.done === true,
        )
      ).json;
      assert.equal(done.metadata.operationState, "CANCELLED");
      const written = Number(done.metadata.progressDocuments.completedWork);
      assert.ok(written > 0 && written < 26_200, `partial: ${written}`);
      const counts = (await emu.control("GET", `${DB}/documents`)).json.collections;
      const total = Object.values(counts as Record<string, { documents: number }>).reduce((s, c) => s + c.documents, 0);
      assert.equal(total, 26_200 + written, "cancel is not rollback");
    });
  });
});
