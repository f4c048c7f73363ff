/**
 * The `buckets` knob: a bucket the Firestore service agent cannot use is refused at the start POST (what the
 * sources show), or (`at: "run"`) the operation starts and ends FAILED with the same status.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseBucketProblemFlag, projectNumber, serviceAgent } from "../../emulator/bucket-problems";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";
import { steppedClock } from "../support/stepped-clock";

const AUTH = { authorization: "Bearer firestore-emulator-dev-token" };
const AGENT = serviceAgent("demo-project");

const startExport = (emu: TestEmulator, outputUriPrefix: string) =>
  emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix }, AUTH);

/** The Admin API answers a missing bucket as it answers one the agent may not read (emulator/bucket-problems.ts). */
const CANNOT_READ = {
  http: 403,
  status: "PERMISSION_DENIED",
  code: 7,
  message: `Service account does not have access to Google Cloud Storage file: /locked/nightly. See https://cloud.google.com/datastore/docs/export-import-entities#permissions for a list of permissions needed. Error details: ${AGENT} does not have storage.buckets.get access to the Google Cloud Storage bucket.`,
} as const;

const EXPECTED = {
  "no-access": CANNOT_READ,
  missing: CANNOT_READ,
  "wrong-location": {
    http: 400,
    status: "INVALID_ARGUMENT",
    code: 3,
    message:
      "Bucket locked is in location europe-west1. This database can only operate on buckets spanning location us or nam5.",
  },
  "requester-pays": {
    http: 400,
    status: "INVALID_ARGUMENT",
    code: 3,
    message: "Bucket is a requester pays bucket but no user project provided.",
  },
} as const;

describe("emulator: buckets the service agent cannot use", () => {
  test("the project number is stable, 12 digits, and differs between projects", () => {
    assert.match(projectNumber("demo-project"), /^[1-9]\d{11}$/);
    assert.equal(projectNumber("demo-project"), projectNumber("demo-project"));
    assert.notEqual(projectNumber("demo-project"), projectNumber("other-project"));
    assert.equal(AGENT, `service-${projectNumber("demo-project")}@gcp-sa-firestore.iam.gserviceaccount.com`);
  });

  for (const [problem, expected] of Object.entries(EXPECTED)) {
    test(`${problem}: the export POST is refused with ${expected.http} ${expected.status}, nothing starts`, async () => {
      await withEmulator(
        { auth: "oauth", behaviour: { buckets: { locked: { problem: problem as "missing" } } } },
        async (emu) => {
          const reply = await startExport(emu, "gs://locked/nightly");
          assert.equal(reply.status, expected.http);
          assert.equal(reply.json.error.status, expected.status);
          assert.equal(reply.json.error.message, expected.message);
          const ops = await emu.control("GET", "operations");
          assert.equal(ops.json.operations.length, 0, "nothing started");
          // Another bucket is fine.
          const ok = await startExport(emu, "gs://fine/nightly");
          assert.equal(ok.status, 200);
        },
      );
    });

    test(`${problem} @run: the export starts, then ends FAILED with code ${expected.code} and the same message`, async () => {
      const clock = steppedClock();
      await withEmulator(
        {
          auth: "oauth",
          now: clock.now,
          behaviour: { operationDurationMs: 400, buckets: { locked: { problem: problem as "missing", at: "run" } } },
        },
        async (emu) => {
          const reply = await startExport(emu, "gs://locked/nightly");
          assert.equal(reply.status, 200);
          clock.advance(400);
          const done = (await emu.call("GET", `/v1/${reply.json.name}`, undefined, AUTH)).json;
          assert.equal(done.done, true, "over by its end");
          assert.equal(done.metadata.operationState, "FAILED");
          assert.deepEqual(done.error, { code: expected.code, message: expected.message });
        },
      );
    });
  }

  test("an import names the overall metadata file it could not read (card-web#579's shape)", async () => {
    await withEmulator({ auth: "oauth", behaviour: { buckets: { locked: { problem: "no-access" } } } }, async (emu) => {
      const reply = await emu.call(
        "POST",
        `/v1/${DB}:importDocuments`,
        { inputUriPrefix: "gs://locked/2024-01-01" },
        AUTH,
      );
      assert.equal(reply.status, 403);
      assert.match(
        reply.json.error.message,
        /^Service account does not have access to Google Cloud Storage file: \/locked\/2024-01-01\/2024-01-01\.overall_export_metadata\. See /,
      );
    });
  });

  test("the knob is validated, settable through the control API and cleared by {}", async () => {
    await withEmulator({}, async (emu) => {
      const bad = await emu.control("PATCH", "behaviour", { buckets: { b: { problem: "on-fire" } } });
      assert.equal(bad.status, 400);
      assert.match(
        bad.json.error.message,
        /buckets\.b\.problem must be one of no-access, missing, wrong-location, requester-pays/,
      );
      const typo = await emu.control("PATCH", "behaviour", { buckets: { b: { problem: "missing", when: "run" } } });
      assert.match(typo.json.error.message, /unknown behaviour knob "buckets\.b\.when"/);
      const set = await emu.control("PATCH", "behaviour", {
        buckets: { b: { problem: "wrong-location", location: "asia" } },
      });
      assert.deepEqual(set.json.buckets, { b: { problem: "wrong-location", at: "start", location: "asia" } });
      const cleared = await emu.control("PATCH", "behaviour", { buckets: {} });
      assert.deepEqual(cleared.json.buckets, {});
    });
  });

  test("--bucket-problem B=P[@run]", () => {
    assert.deepEqual(parseBucketProblemFlag("locked=no-access"), ["locked", { problem: "no-access", at: "start" }]);
    assert.deepEqual(parseBucketProblemFlag("rp=requester-pays@run"), ["rp", { problem: "requester-pays", at: "run" }]);
    assert.throws(() => parseBucketProblemFlag("nope"), /BUCKET=PROBLEM/);
    assert.throws(() => parseBucketProblemFlag("b=sad"), /must be one of/);
  });
});
