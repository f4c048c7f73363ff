import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { patchBehaviour } from "../support/behaviour-patch";
import { DB, withEmulator } from "../support/emulator-client";
import { overAfter, steppedClock } from "../support/stepped-clock";

describe("import and bulk delete", () => {
  test("an import of a path with no finished export starts, then FAILS with a clear error", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 200 } }, async (emu) => {
      const { json } = await emu.call("POST", `/v1/${DB}:importDocuments`, { inputUriPrefix: "gs://bkt/nothing-here" });
      assert.equal(json.metadata["@type"], "type.googleapis.com/google.firestore.admin.v1.ImportDocumentsMetadata");
      assert.equal(json.metadata.inputUriPrefix, "gs://bkt/nothing-here");
      const done = await overAfter(emu, clock, json.name, 200);
      assert.equal(done.metadata.operationState, "FAILED");
      assert.equal(done.error.code, 3);
      assert.match(done.error.message, /nothing-here\/nothing-here\.overall_export_metadata/);
    });
  });

  test("an import started the moment its export ends by the clock finds the export's files (no tick needed)", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 1_000 } }, async (emu) => {
      const exported = (await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/at-once" }))
        .json;
      // The clock passes the export's end, and nothing reads the export before the import's POST.
      clock.advance(1_000);
      const imported = (await emu.call("POST", `/v1/${DB}:importDocuments`, { inputUriPrefix: "gs://bkt/at-once" }))
        .json;
      const done = await overAfter(emu, clock, imported.name, 1_000);
      assert.equal(done.metadata.operationState, "SUCCESSFUL", JSON.stringify(done.error));
      assert.equal((await emu.call("GET", `/v1/${exported.name}`)).json.metadata.operationState, "SUCCESSFUL");
    });
  });

  test("import from a finished export writes its documents; bulk delete removes them", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 150 } }, async (emu) => {
      const exported = (
        await emu.call("POST", `/v1/${DB}:exportDocuments`, {
          outputUriPrefix: "gs://bkt/snap",
          collectionIds: ["users"],
        })
      ).json;
      await overAfter(emu, clock, exported.name, 150);
      const counts = async () => (await emu.control("GET", `${DB}/documents`)).json.collections;
      assert.equal((await counts()).users.documents, 1200);

      const imported = (await emu.call("POST", `/v1/${DB}:importDocuments`, { inputUriPrefix: "gs://bkt/snap" })).json;
      const importDone = await overAfter(emu, clock, imported.name, 150);
      assert.equal(importDone.metadata.operationState, "SUCCESSFUL");
      assert.deepEqual(importDone.response, { "@type": "type.googleapis.com/google.protobuf.Empty" });
      assert.equal((await counts()).users.documents, 2400, "the import wrote 1200 documents");

      const deleted = (await emu.call("POST", `/v1/${DB}:bulkDeleteDocuments`, { collectionIds: ["users"] })).json;
      assert.equal(
        deleted.metadata["@type"],
        "type.googleapis.com/google.firestore.admin.v1.BulkDeleteDocumentsMetadata",
      );
      assert.ok(deleted.metadata.snapshotTime, "bulk delete reports the version it reads, for PITR recovery");
      const deleteDone = await overAfter(emu, clock, deleted.name, 150);
      assert.deepEqual(deleteDone.response, {
        "@type": "type.googleapis.com/google.firestore.admin.v1.BulkDeleteDocumentsResponse",
      });
      assert.equal((await counts()).users.documents, 0);
      assert.equal((await counts()).orders.documents, 5000, "other collections untouched");
    });
  });

  test("a cancelled import leaves the documents it already wrote", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 100 } }, async (emu) => {
      const exported = (await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/snap" })).json;
      await overAfter(emu, clock, exported.name, 100);
      await patchBehaviour(emu, { operationDurationMs: 2_000, cancelLatencyMs: 0 });
      const imported = (await emu.call("POST", `/v1/${DB}:importDocuments`, { inputUriPrefix: "gs://bkt/snap" })).json;
      clock.advance(600);
      assert.equal((await emu.call("POST", `/v1/${imported.name}:cancel`)).status, 200);
      const done = await overAfter(emu, clock, imported.name, 0);
      assert.equal(done.metadata.operationState, "CANCELLED");
      const written = Number(done.metadata.progressDocuments.completedWork);
      assert.ok(written > 0 && written < 26_200, `partial: ${written}`);
      assert.equal(written, Math.floor(26_200 * 0.3), "the work done by the cancel, 600 of 2,000 ms");
      const counts = (await emu.control("GET", `${DB}/documents`)).json.collections;
      const total = Object.values(counts as Record<string, { documents: number }>).reduce((s, c) => s + c.documents, 0);
      assert.equal(total, 26_200 + written, "cancel is not rollback");
    });
  });
});
