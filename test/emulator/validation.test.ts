import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";

/** Each case must be refused synchronously, name the field, and create no operation. */
async function expectRefused(
  emu: TestEmulator,
  path: string,
  body: unknown,
  expected: { http: number; status: string; field?: string; message: RegExp; binding?: true },
): Promise<void> {
  const before = (await emu.control("GET", "operations")).json.operations.length;
  const reply = await emu.call("POST", path, body);
  assert.equal(reply.status, expected.http, JSON.stringify(reply.json));
  assert.equal(reply.json.error.code, expected.http);
  assert.equal(reply.json.error.status, expected.status);
  assert.match(reply.json.error.message, expected.message);
  const info = reply.json.error.details.find((d: { "@type": string }) => d["@type"].endsWith("ErrorInfo"));
  if (expected.binding) {
    // A JSON-binding error, as Google's front end sends it: a BadRequest detail and nothing else.
    assert.deepEqual(
      reply.json.error.details.map((d: { "@type": string }) => d["@type"]),
      ["type.googleapis.com/google.rpc.BadRequest"],
    );
  } else {
    assert.equal(info.domain, "googleapis.com");
  }
  if (expected.field) {
    const badRequest = reply.json.error.details.find((d: { "@type": string }) => d["@type"].endsWith("BadRequest"));
    assert.equal(badRequest.fieldViolations[0].field, expected.field);
  }
  assert.equal((await emu.control("GET", "operations")).json.operations.length, before, "no operation was created");
}

const minute = (offsetMinutes: number): string => {
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  return new Date(now + offsetMinutes * 60_000).toISOString();
};

describe("request validation", () => {
  test("export", async () => {
    await withEmulator({}, async (emu) => {
      const path = `/v1/${DB}:exportDocuments`;
      const invalid = { http: 400, status: "INVALID_ARGUMENT" };
      await expectRefused(
        emu,
        path,
        {},
        { ...invalid, field: "output_uri_prefix", message: /Missing required field: output_uri_prefix/ },
      );
      await expectRefused(
        emu,
        path,
        { outputUriPrefix: "s3://bucket/x" },
        { ...invalid, field: "output_uri_prefix", message: /gs:\/\/BUCKET_NAME/ },
      );
      await expectRefused(
        emu,
        path,
        { outputUriPrefix: "gs://bkt/../x" },
        { ...invalid, field: "output_uri_prefix", message: /gs:\/\// },
      );
      await expectRefused(
        emu,
        path,
        { outputUriPrefix: "gs://bkt/x", collectionIds: ["users", "users"] },
        { ...invalid, field: "collection_ids", message: /unique; "users"/ },
      );
      await expectRefused(
        emu,
        path,
        { outputUriPrefix: "gs://bkt/x", namespaceIds: ["", ""] },
        { ...invalid, field: "namespace_ids", message: /unique/ },
      );
      await expectRefused(
        emu,
        path,
        { outputUriPrefix: "gs://bkt/x", collectionIds: ["a/b"] },
        { ...invalid, field: "collection_ids", message: /must not contain "\/"/ },
      );
      await expectRefused(
        emu,
        path,
        { outputUriPrefix: "gs://bkt/x", snapshotTime: "2026-01-01T00:00:30Z" },
        { ...invalid, field: "snapshot_time", message: /rounded to the minute/ },
      );
      await expectRefused(
        emu,
        path,
        { outputUriPrefix: "gs://bkt/x", snapshotTime: minute(5) },
        { ...invalid, field: "snapshot_time", message: /in the past/ },
      );
      await expectRefused(
        emu,
        path,
        { outputUriPrefix: "gs://bkt/x", snapshotTime: minute(-120) },
        { http: 400, status: "FAILED_PRECONDITION", field: "snapshot_time", message: /earliest_version_time/ },
      );
      await expectRefused(
        emu,
        path,
        { outputUriPrefix: "gs://bkt/x", snapshotTime: "yesterday" },
        {
          ...invalid,
          binding: true,
          field: "snapshot_time",
          message:
            /^Invalid value at 'snapshot_time' \(type\.googleapis\.com\/google\.protobuf\.Timestamp\), "yesterday"$/,
        },
      );
      await expectRefused(
        emu,
        path,
        { outputUriPrefix: "gs://bkt/x", bogus: 1 },
        { ...invalid, binding: true, message: /Unknown name "bogus"/ },
      );
      await expectRefused(emu, path, "{not json", { ...invalid, binding: true, message: /Invalid JSON payload/ });
      await expectRefused(
        emu,
        "/v1/projects/demo-project/databases/missing:exportDocuments",
        { outputUriPrefix: "gs://bkt/x" },
        { http: 404, status: "NOT_FOUND", message: /databases\/missing does not exist/ },
      );
    });
  });

  test("a whole-minute snapshotTime inside the window is accepted and echoed; PITR widens the window", async () => {
    await withEmulator({ pointInTimeRecovery: true }, async (emu) => {
      const snapshotTime = minute(-24 * 60);
      const reply = await emu.call("POST", `/v1/${DB}:exportDocuments`, {
        output_uri_prefix: "gs://bkt/x",
        snapshot_time: snapshotTime,
      });
      assert.equal(reply.status, 200, "snake_case field names are accepted too");
      assert.equal(reply.json.metadata.snapshotTime, snapshotTime.replace(/\.000Z$/, ".000000Z"));
    });
  });

  test("import and bulk delete", async () => {
    await withEmulator({}, async (emu) => {
      const invalid = { http: 400, status: "INVALID_ARGUMENT" };
      await expectRefused(
        emu,
        `/v1/${DB}:importDocuments`,
        {},
        { ...invalid, field: "input_uri_prefix", message: /Missing required field: input_uri_prefix/ },
      );
      await expectRefused(
        emu,
        `/v1/${DB}:importDocuments`,
        { inputUriPrefix: "gs://bkt/x", snapshotTime: minute(-1) },
        { ...invalid, binding: true, message: /Unknown name "snapshotTime"/ },
      );
      await expectRefused(
        emu,
        `/v1/${DB}:bulkDeleteDocuments`,
        {},
        { ...invalid, field: "collection_ids", message: /both empty will be rejected/ },
      );
      await expectRefused(
        emu,
        `/v1/${DB}:bulkDeleteDocuments`,
        { collectionIds: ["x", "x"] },
        { ...invalid, field: "collection_ids", message: /unique/ },
      );
    });
  });

  test("oversized bodies are refused before parsing, with 413", async () => {
    await withEmulator({}, async (emu) => {
      const reply = await emu.call(
        "POST",
        `/v1/${DB}:exportDocuments`,
        JSON.stringify({ outputUriPrefix: "gs://bkt/x", pad: "x".repeat(2 * 1024 * 1024) }),
      );
      assert.equal(reply.status, 413);
      assert.equal(reply.json.error.code, 413);
      assert.equal(reply.json.error.status, "INVALID_ARGUMENT");
      assert.match(reply.json.error.message, /payload size exceeds the limit: 1048576 bytes/);
    });
  });
});
