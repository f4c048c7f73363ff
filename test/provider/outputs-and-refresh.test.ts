/**
 * 0.1.0's `cancellation` output (which never left "none") is gone from what every step stores, also for
 * resources 0.1.0 stored; and a refresh says in one line what it found and what changed.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ResourceOutputs } from "../../provider/outputs";
import { type Harness, withProvider } from "../support/provider-harness";
import { runningExportOutputs } from "../support/stored-outputs";

const URN = "urn:pulumi:test::proj::firestore-operations:index:FirestoreExport::x";

/** The outputs of a running export as 0.1.0 stored them. */
function storedBy010(name: string): ResourceOutputs {
  return runningExportOutputs(name, {
    documentsCompleted: 0,
    documentsEstimated: 1200,
    bytesCompleted: 0,
    bytesEstimated: 0,
    cancellation: "none",
    cancelEffects: "Cancelling does not roll back",
  });
}

function messagesSince(h: Harness, from: number) {
  return h.messages.slice(from);
}

describe("the cancellation output is gone", () => {
  test("create of every kind, and the wait step, store no cancellation", async () => {
    await withProvider({ behaviour: { operationDurationMs: 300 } }, {}, async (h) => {
      const exported = await h.up("export", { outputUriPrefix: "gs://bkt/x", waitFor: "done" });
      const imported = await h.up("import", { inputUriPrefix: "gs://bkt/some-export" });
      const deleted = await h.up("bulkDelete", { collectionIds: ["users"] });
      const adopted = await h.up("adopted", { operationName: deleted.id });
      const waited = await h.up("wait", { operationName: exported.id, timeouts: exported.outs.timeouts });
      for (const [what, outs] of Object.entries({ exported, imported, deleted, adopted, waited })) {
        assert.equal("cancellation" in outs.outs, false, what);
      }
    });
  });

  test("read and update of outputs stored by 0.1.0 drop it, running or done", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const { id } = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
      const old = storedBy010(id) as never;
      const p = h.provider("export");

      const read = await p.read(id, old);
      assert.equal(read.id, id);
      assert.equal("cancellation" in (read.props ?? {}), false, "read of a running operation");
      assert.equal("cancellation" in (read.inputs ?? {}), false);

      const done = { ...storedBy010(id), state: "SUCCESSFUL", done: true } as never;
      const readDone = await p.read(id, done);
      assert.equal(readDone.props?.state, "SUCCESSFUL");
      assert.equal("cancellation" in (readDone.props ?? {}), false, "read of a done one (no request)");

      const updated = await p.update(id, old, { ...(old as object), onCancelLost: "fail" });
      assert.equal(updated.outs?.onCancelLost, "fail");
      assert.equal(updated.outs?.operationName, id);
      assert.equal("cancellation" in (updated.outs ?? {}), false, "update");
    });
  });
});

describe("the refresh line", () => {
  test("one line with state and progress: (was ...) when it changed, (unchanged) when not", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x", resourceUrn: URN });
      const short = id.slice(id.lastIndexOf("/") + 1);
      const p = h.provider("export");
      await h.emu.control("POST", `${id}:finish`, { state: "SUCCESSFUL" });

      let from = h.messages.length;
      const refreshed = await p.read(id, outs);
      const changed = messagesSince(h, from);
      assert.equal(changed.length, 1, JSON.stringify(changed));
      assert.equal(changed[0]?.level, "info");
      assert.match(
        changed[0]?.text ?? "",
        new RegExp(
          // Created from the start reply, which carries no progress: the state alone, no made-up numbers.
          `^x: ${short}: SUCCESSFUL ([\\d,]+)/\\1 documents \\(100\\.0%\\).* \\(was PROCESSING\\)$`,
        ),
      );

      from = h.messages.length;
      await p.read(id, refreshed.props);
      const same = messagesSince(h, from);
      assert.equal(same.length, 1, JSON.stringify(same));
      assert.match(
        same[0]?.text ?? "",
        new RegExp(`^x: ${short}: SUCCESSFUL ([\\d,]+)/\\1 documents [^(]*\\(100\\.0%\\)[^(]* \\(unchanged\\)$`),
      );
    });
  });

  test("a resource stored by 0.1.0 (no resourceUrn) is named generically, and the line says what it was", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 0 } }, {}, async (h) => {
      const { id } = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
      await h.emu.control("POST", `${id}:finish`, { state: "CANCELLED" });
      const first = await h.provider("export").read(id, storedBy010(id) as never);
      assert.equal(first.props?.state, "CANCELLED");
      const line = h.messages.at(-1)?.text ?? "";
      assert.match(line, /^operation: AS\S+: CANCELLED.* \(was PROCESSING 0\/1,200 documents \(0\.0%\)\)$/);
    });
  });
});
