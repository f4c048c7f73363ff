import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DB, withEmulator } from "../support/emulator-client";
import { steppedClock } from "../support/stepped-clock";

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

describe("export operations", () => {
  test("a started export is PROCESSING with the resolved prefix and no progress; int64 progress as strings later", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 60_000 } }, async (emu) => {
      const reply = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://backups" });
      assert.equal(reply.status, 200);
      const op = reply.json;
      assert.match(op.name, /^projects\/demo-project\/databases\/\(default\)\/operations\/[A-Za-z0-9_-]{20,}$/);
      assert.equal(op.done, undefined, "done: false is omitted, as proto3 JSON does");
      assert.equal(op.metadata["@type"], "type.googleapis.com/google.firestore.admin.v1.ExportDocumentsMetadata");
      assert.equal(op.metadata.operationState, "PROCESSING");
      assert.match(op.metadata.startTime, TIMESTAMP);
      assert.equal(op.metadata.endTime, undefined);
      assert.match(op.metadata.outputUriPrefix, /^gs:\/\/backups\/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}_\d{5}$/);
      // As Google's start reply: no progress fields at all (not even empty ones).
      assert.equal(op.metadata.progressDocuments, undefined);
      assert.equal(op.metadata.progressBytes, undefined);
      assert.equal(op.metadata.collectionIds, undefined, "empty lists are omitted");
      clock.advance(3_000);
      const early = (await emu.call("GET", `/v1/${op.name}`)).json.metadata;
      assert.deepEqual(early.progressDocuments, { completedWork: "1310" }, "work done before any estimate");
      clock.advance(6_000);
      const later = (await emu.call("GET", `/v1/${op.name}`)).json.metadata;
      assert.equal(typeof later.progressDocuments.estimatedWork, "string");
      assert.deepEqual(later.progressDocuments, { estimatedWork: "26200", completedWork: "3930" });
      const again = await emu.call("GET", `/v1/${op.name}`);
      assert.equal(
        again.json.metadata.outputUriPrefix,
        op.metadata.outputUriPrefix,
        "the resolved prefix never changes",
      );
    });
  });

  test("it completes SUCCESSFUL with an ExportDocumentsResponse and the overall metadata file", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 300 } }, async (emu) => {
      const started = await emu.call("POST", `/v1/${DB}:exportDocuments`, {
        outputUriPrefix: "gs://backups/nightly/",
        collectionIds: ["users", "orders"],
      });
      assert.equal(started.json.metadata.outputUriPrefix, "gs://backups/nightly", "a trailing slash is dropped");
      assert.deepEqual(started.json.metadata.collectionIds, ["users", "orders"]);
      clock.advance(300);
      const op = (await emu.call("GET", `/v1/${started.json.name}`)).json;
      assert.equal(op.done, true);
      assert.equal(op.metadata.operationState, "SUCCESSFUL");
      assert.match(op.metadata.endTime, TIMESTAMP);
      assert.deepEqual(op.response, {
        "@type": "type.googleapis.com/google.firestore.admin.v1.ExportDocumentsResponse",
        outputUriPrefix: "gs://backups/nightly",
      });
      assert.equal(op.error, undefined);
      assert.equal(op.metadata.progressDocuments.completedWork, op.metadata.progressDocuments.estimatedWork);
      const objects = (await emu.control("GET", "storage/backups?prefix=nightly/")).json.objects.map(
        (o: { name: string }) => o.name,
      );
      assert.ok(objects.includes("nightly/nightly.overall_export_metadata"));
      assert.ok(objects.includes("nightly/all_namespaces/kind_users/all_namespaces_kind_users.export_metadata"));
      assert.equal(objects.filter((n: string) => n.includes("/output-")).length, 8, "4 data files per collection");
      assert.ok(!objects.some((n: string) => n.includes("kind_events")), "only the requested collections");
    });
  });

  test("progress advances with time and never goes backwards", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 800 } }, async (emu) => {
      const { json } = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/p" });
      const seen: number[] = [];
      for (let i = 0; i < 6; i++) {
        const op = (await emu.call("GET", `/v1/${json.name}`)).json;
        seen.push(Number(op.metadata.progressDocuments?.completedWork ?? 0));
        clock.advance(120);
      }
      assert.ok(
        seen.some((v, i) => i > 0 && v > (seen[i - 1] as number)),
        `progress moved: ${seen}`,
      );
      assert.ok(
        seen.every((v, i) => i === 0 || v > (seen[i - 1] as number)),
        `every step of the clock moves it: ${seen}`,
      );
      assert.deepEqual(
        seen,
        [...seen].sort((a, b) => a - b),
      );
      assert.ok((seen.at(-1) as number) <= 26_200);
    });
  });

  test("cancel: PROCESSING -> CANCELLING -> CANCELLED, code 1, partial files and no overall metadata", async () => {
    const clock = steppedClock();
    const options = { now: clock.now, behaviour: { operationDurationMs: 2_000, cancelLatencyMs: 300 } };
    await withEmulator(options, async (emu) => {
      const { json } = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/partial" });
      clock.advance(700);
      const cancel = await emu.call("POST", `/v1/${json.name}:cancel`);
      assert.equal(cancel.status, 200);
      assert.deepEqual(cancel.json, {});
      const cancelling = (await emu.call("GET", `/v1/${json.name}`)).json;
      assert.equal(cancelling.metadata.operationState, "CANCELLING");
      assert.equal(cancelling.done, undefined);
      clock.advance(299);
      assert.equal((await emu.call("GET", `/v1/${json.name}`)).json.metadata.operationState, "CANCELLING");
      clock.advance(1);
      const done = (await emu.call("GET", `/v1/${json.name}`)).json;
      assert.equal(done.done, true, "over cancelLatencyMs after the cancel");
      assert.equal(done.metadata.operationState, "CANCELLED");
      assert.deepEqual(done.error, { code: 1, message: "The operation was cancelled." });
      assert.equal(done.response, undefined);
      assert.ok(done.metadata.endTime);
      const names = (await emu.control("GET", "storage/bkt?prefix=partial/")).json.objects.map(
        (o: { name: string }) => o.name,
      );
      assert.ok(names.length > 0, "a cancelled export leaves partial data behind");
      assert.ok(!names.some((n: string) => n.endsWith(".overall_export_metadata")));
    });
  });

  test("cancel accepts an empty body, {} and the path-bound name (Go's REST client sends it), and refuses any other field", async () => {
    await withEmulator({}, async (emu) => {
      const { json } = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/p" });
      assert.equal((await emu.call("POST", `/v1/${json.name}:cancel`)).status, 200);
      assert.equal((await emu.call("POST", `/v1/${json.name}:cancel`, {})).status, 200);
      assert.equal((await emu.call("POST", `/v1/${json.name}:cancel`, { name: json.name })).status, 200);
      const refused = await emu.call("POST", `/v1/${json.name}:cancel`, { force: true });
      assert.equal(refused.status, 400);
      assert.equal(refused.json.error.status, "INVALID_ARGUMENT");
    });
  });

  test("delete hides a finished operation (GET 404, absent from list) and never cancels", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 100 } }, async (emu) => {
      const { json } = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/p" });
      clock.advance(100);
      assert.equal((await emu.call("GET", `/v1/${json.name}`)).json.done, true);
      assert.deepEqual((await emu.call("DELETE", `/v1/${json.name}`)).json, {});
      const gone = await emu.call("GET", `/v1/${json.name}`);
      assert.equal(gone.status, 404);
      assert.equal(gone.json.error.status, "NOT_FOUND");
      const listed = await emu.call("GET", `/v1/${DB}/operations?filter=done%3Dtrue`);
      assert.equal(listed.json.operations, undefined);
    });
  });

  test("index builds are operations too, with IndexOperationMetadata and `state`", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 200 } }, async (emu) => {
      const reply = await emu.call("POST", `/v1/${DB}/collectionGroups/users/indexes`, {
        queryScope: "COLLECTION",
        // Two fields: Google refuses a composite index of one.
        fields: [
          { fieldPath: "age", order: "ASCENDING" },
          { fieldPath: "name", order: "DESCENDING" },
        ],
      });
      assert.equal(reply.status, 200);
      const op = reply.json;
      assert.equal(op.metadata["@type"], "type.googleapis.com/google.firestore.admin.v1.IndexOperationMetadata");
      assert.equal(op.metadata.state, "PROCESSING");
      assert.equal(op.metadata.operationState, undefined);
      assert.match(
        op.metadata.index,
        /^projects\/demo-project\/databases\/\(default\)\/collectionGroups\/users\/indexes\//,
      );
      clock.advance(200);
      const done = await emu.call("GET", `/v1/${op.name}`);
      assert.equal(done.json.done, true);
      assert.equal(done.json.response["@type"], "type.googleapis.com/google.firestore.admin.v1.Index");
    });
  });

  test("enum-encoding=int answers operationState as a number", async () => {
    await withEmulator({}, async (emu) => {
      const { json } = await emu.call("POST", `/v1/${DB}:exportDocuments?$alt=json%3Benum-encoding%3Dint`, {
        outputUriPrefix: "gs://bkt/p",
      });
      assert.equal(json.metadata.operationState, 2);
      const plain = await emu.call(
        "GET",
        `/v1/${json.name}?alt=json&prettyPrint=false&fields=name,metadata&key=k&quotaUser=q&$.xgafv=2`,
      );
      assert.equal(plain.status, 200, JSON.stringify(plain.json));
      assert.equal(plain.json.metadata.operationState, "PROCESSING");
    });
  });
});
