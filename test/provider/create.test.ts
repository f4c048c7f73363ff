import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DB, waitFor } from "../support/emulator-client";
import { withProvider } from "../support/provider-harness";

describe("create", () => {
  test("starts the export with one POST; the operation name is the id; outputs show it in flight", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt", collectionIds: ["users"] });
      assert.match(id, /^projects\/demo-project\/databases\/\(default\)\/operations\/AS/);
      assert.equal(outs.operationName, id);
      assert.equal(outs.state, "PROCESSING");
      assert.equal(outs.done, false);
      assert.equal(outs.operationType, "ExportDocumentsMetadata");
      // Firestore's start reply carries no progress: nothing estimated yet, and no percentage made up.
      assert.equal(outs.documentsEstimated, 0);
      assert.equal(outs.progressPercent, undefined);
      assert.match(outs.resolvedOutputUriPrefix, /^gs:\/\/bkt\/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}_\d{5}$/);
      assert.equal(outs.outputUriPrefix, "gs://bkt", "the input is kept as given");
      assert.equal("cancellation" in outs, false, "0.1.0's cancellation output is gone");
      assert.match(outs.cancelEffects, /does not roll back/);
      const posts = await h.requests("exportDocuments");
      assert.equal(posts.length, 1);
      assert.equal(posts[0]?.status, 200);
      const tokens = await h.requests("token");
      assert.ok(
        tokens.length >= 1 && tokens.every((t) => t.status === 200),
        "credentials came from the emulator's token endpoint",
      );
    });
  });

  test("import and bulk delete start their operations too", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const imported = await h.up("import", { inputUriPrefix: "gs://bkt/some-export" });
      assert.equal(imported.outs.operationType, "ImportDocumentsMetadata");
      assert.match(imported.outs.cancelEffects, /documents already imported stay written/);
      const deleted = await h.up("bulkDelete", { collectionIds: ["users"] });
      assert.equal(deleted.outs.operationType, "BulkDeleteDocumentsMetadata");
    });
  });

  // waitFor "done": the start step returns at once; the wait is the wait step's (test/provider/wait-step.test.ts).
  test('waitFor "done": create returns the started operation at once, without polling', async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/done", waitFor: "done" });
      assert.equal(outs.operationName, id);
      assert.equal(outs.state, "PROCESSING");
      assert.equal(outs.waitFor, "done");
      assert.equal((await h.requests("operations.get")).length, 0);
    });
  });

  test("a request the server refuses (400) starts nothing and is not retried", async () => {
    await withProvider({}, {}, async (h) => {
      await assert.rejects(
        h.up("export", { outputUriPrefix: "gs://bkt", snapshotTime: "2020-01-01T00:00:00Z" }),
        /400 FAILED_PRECONDITION: snapshot_time .* older than/,
      );
      assert.equal((await h.requests("exportDocuments")).length, 1);
      // The one list is the look for running lookalikes before the POST; none follows a refusal.
      const log = await h.log();
      const post = log.find((r) => r.endpoint === "exportDocuments");
      assert.deepEqual(
        log.filter((r) => r.endpoint === "operations.list" && r.seq > (post?.seq ?? 0)),
        [],
        "a refused POST is not looked up",
      );
      assert.equal((await h.emu.control("GET", "operations")).json.operations.length, 0);
    });
  });

  for (const fault of ["commit-then-500", "commit-then-reset"]) {
    test(`an ambiguous POST failure (${fault}) adopts the one operation it started: no duplicate`, async () => {
      await withProvider(
        {
          behaviour: {
            operationDurationMs: 60_000,
            faults: { rate: 1, kinds: [fault as never], endpoints: ["exportDocuments"] },
          },
        },
        {},
        async (h) => {
          // Another export already running with a different prefix must not be mistaken for ours.
          await h.emu.control("PATCH", "behaviour", { faults: { rate: 0 } });
          const other = (await h.admin("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/other" })).json
            .name;
          await h.emu.control("PATCH", "behaviour", { faults: { rate: 1 } });
          const { id } = await h.up("export", { outputUriPrefix: "gs://bkt/mine", collectionIds: ["users"] });
          const ops = (await h.emu.control("GET", "operations")).json.operations as { name: string }[];
          assert.equal(ops.length, 2);
          assert.notEqual(id, other);
          assert.ok(ops.some((o) => o.name === id));
          assert.equal((await h.requests("exportDocuments")).length, 2, "the POST was never retried");
        },
      );
    });
  }

  test("an ambiguous failure that started nothing says so, and starts nothing", async () => {
    await withProvider(
      { behaviour: { faults: { rate: 1, kinds: ["503"], endpoints: ["exportDocuments"] } } },
      {},
      async (h) => {
        await assert.rejects(
          h.up("export", { outputUriPrefix: "gs://bkt/x" }),
          /503 UNAVAILABLE.*No exportDocuments operation matching this request was found afterwards, so none was started/,
        );
        assert.equal((await h.emu.control("GET", "operations")).json.operations.length, 0);
        assert.equal((await h.requests("exportDocuments")).length, 1);
      },
    );
  });

  // Two matching candidates (refuse to guess, name them both): ambiguous-start.test.ts, "several matching
  // operations started while the POST was in flight". An identical export started just before the POST is
  // not a candidate at all any more (ibid., "someone else started ... before").

  test("billing project: x-goog-user-project with gcp:userProjectOverride", async () => {
    await withProvider({}, { "gcp:billingProject": "billing-proj", "gcp:userProjectOverride": "true" }, async (h) => {
      await h.up("export", { outputUriPrefix: "gs://bkt" });
      const [post] = await h.requests("exportDocuments");
      assert.equal(post?.userProject, "billing-proj");
    });
  });

  test("adopts an index build started elsewhere", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const index = (
        await h.admin("POST", `/v1/${DB}/collectionGroups/users/indexes`, {
          // Two fields: Google refuses a composite index of one.
          fields: [
            { fieldPath: "age", order: "ASCENDING" },
            { fieldPath: "name", order: "DESCENDING" },
          ],
        })
      ).json;
      const { id, outs } = await h.up("adopted", { operationName: index.name });
      assert.equal(id, index.name);
      assert.equal(outs.operationType, "IndexOperationMetadata");
      assert.equal(outs.state, "PROCESSING");
      await h.provider("adopted").delete(id, outs);
      const ended = await waitFor(
        () => h.admin("GET", `/v1/${id}`),
        (r) => r.json.done === true,
      );
      assert.equal(ended.json.metadata.state, "CANCELLED");
    });
  });

  test("adopting an operation that does not exist fails clearly", async () => {
    await withProvider({}, {}, async (h) => {
      await assert.rejects(
        h.up("adopted", { operationName: `${DB}/operations/ASnope` }),
        /404 NOT_FOUND: Operation .*ASnope not found/,
      );
    });
  });
});
