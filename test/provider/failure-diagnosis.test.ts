/**
 * Failures that say how to fix them: the diagnosis of Google's bucket errors (verbatim public wordings, and the
 * emulator's), and the provider's messages when the emulator refuses a start or fails an operation on a bucket.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DOCS, diagnoseBucketFailure, SERVICE_AGENT_ROLE } from "../../client/failure-diagnosis";
import { serviceAgent } from "../../emulator/bucket-problems";
import { InitializationFailure } from "../../provider/initialization-failure";
import { withProvider, withSteppedProvider } from "../support/provider-harness";

const URN = "urn:pulumi:test::proj::firestore-operations:index:FirestoreExport::nightly";
const AGENT = serviceAgent("demo-project");

describe("diagnoseBucketFailure: Google's wordings", () => {
  test("gcloud's PERMISSION_DENIED of an import (jkomoros/card-web#579, verbatim): account, role, bucket, docs", () => {
    const message =
      "Service account does not have access to Google Cloud Storage file: /complexity-compendium-backup/deploy-2022-05-09-09-58-no-particular-reason/deploy-2022-05-09-09-58-no-particular-reason.overall_export_metadata. See https://cloud.google.com/datastore/docs/export-import-entities#permissions for a list of permissions needed. Error details: service-833356784081@gcp-sa-firestore.iam.gserviceaccount.com does not have storage.buckets.get access to the Google Cloud Storage bucket.";
    const d = diagnoseBucketFailure({ message }, { direction: "import" });
    assert.ok(d);
    assert.equal(d.kind, "service-agent-access");
    assert.equal(d.bucket, "complexity-compendium-backup");
    assert.equal(d.account, "service-833356784081@gcp-sa-firestore.iam.gserviceaccount.com");
    assert.equal(d.role, SERVICE_AGENT_ROLE);
    assert.equal(d.docs, DOCS.permissions);
    assert.match(d.fix, /cannot read gs:\/\/complexity-compendium-backup\./);
    assert.ok(
      d.fix.includes(
        "gcloud storage buckets add-iam-policy-binding gs://complexity-compendium-backup --member=serviceAccount:service-833356784081@gcp-sa-firestore.iam.gserviceaccount.com --role=roles/storage.admin",
      ),
    );
    assert.match(d.fix, /missing bucket the same way/);
  });

  test("the location refusal (a public runbook; nodejs-firestore#992's older 'This project' form)", () => {
    const runbook = diagnoseBucketFailure({
      message:
        "Bucket my-app.firebasestorage.app is in location us-east1. This database can only operate on buckets spanning location asia or asia-northeast3.",
    });
    assert.equal(runbook?.kind, "bucket-location");
    assert.equal(runbook?.bucket, "my-app.firebasestorage.app");
    assert.match(
      runbook?.fix ?? "",
      /is in us-east1, which this database cannot use: .* a bucket in asia, asia-northeast3\./,
    );
    assert.match(runbook?.fix ?? "", /--location=asia-northeast3/);
    const older = diagnoseBucketFailure({
      message:
        "Bucket gcp-yourprojectid-dev-buk-eur4-firestore-backup is in location EUR4. This project can only operate on buckets spanning location europe-north1 or europe-west1 or eu.",
    });
    assert.equal(older?.kind, "bucket-location");
    assert.equal(older?.bucket, "gcp-yourprojectid-dev-buk-eur4-firestore-backup");
  });

  test("Requester Pays (Cloud Storage's 400 wordings) and a missing bucket; the bucket comes from the URI", () => {
    for (const message of [
      "Bucket is a requester pays bucket but no user project provided.",
      "Bucket is requester pays bucket but no user project provided.",
      "UserProjectMissing",
    ]) {
      const d = diagnoseBucketFailure({ message }, { uri: "gs://shared-data/exports" });
      assert.equal(d?.kind, "requester-pays", message);
      assert.match(d?.fix ?? "", /gcloud storage buckets update gs:\/\/shared-data --no-requester-pays/);
    }
    const missing = diagnoseBucketFailure({ message: "The specified bucket does not exist." }, { uri: "gs://gone/x" });
    assert.equal(missing?.kind, "missing-bucket");
    assert.match(missing?.fix ?? "", /^gs:\/\/gone does not exist\./);
  });

  test("without the project number in the message: a placeholder and how to find it", () => {
    const d = diagnoseBucketFailure(
      { message: "Service account does not have access to Google Cloud Storage file: /bkt/x." },
      { database: "projects/acme-prod/databases/(default)", direction: "export" },
    );
    assert.equal(d?.account, "service-PROJECT_NUMBER@gcp-sa-firestore.iam.gserviceaccount.com");
    assert.match(d?.fix ?? "", /gcloud projects describe acme-prod --format='value\(projectNumber\)'/);
    assert.match(d?.fix ?? "", /cannot write gs:\/\/bkt\./);
  });

  test("other errors are not bucket problems", () => {
    for (const message of [
      "The operation failed due to an internal error (emulated failure).",
      "The caller does not have permission",
      "Quota exceeded for quota metric 'Database operation requests'",
      "",
    ]) {
      assert.equal(diagnoseBucketFailure({ message }), undefined, message);
    }
  });
});

describe("the provider's messages for bucket errors (against the emulator)", () => {
  for (const problem of ["no-access", "missing"] as const) {
    test(`${problem}: a refused start says which account, which role on which bucket, and links the docs`, async () => {
      await withProvider({ behaviour: { buckets: { locked: { problem } } } }, {}, async (h) => {
        await assert.rejects(
          h.up("export", { outputUriPrefix: "gs://locked/nightly", resourceUrn: URN }),
          (error: Error) => {
            assert.match(
              error.message,
              /403 PERMISSION_DENIED: Service account does not have access/,
              "Google's error first",
            );
            assert.ok(error.message.includes(`Fix: The Firestore service agent ${AGENT} cannot write gs://locked.`));
            assert.ok(error.message.includes(`--member=serviceAccount:${AGENT} --role=roles/storage.admin`));
            assert.ok(error.message.endsWith(`See ${DOCS.permissions}`), error.message);
            return true;
          },
        );
        assert.equal((await h.requests("exportDocuments")).length, 1, "the refusal came from the emulator");
      });
    });
  }

  test("wrong-location: a refused import says where the bucket must be", async () => {
    await withProvider(
      { behaviour: { buckets: { far: { problem: "wrong-location", location: "asia-east1" } } } },
      {},
      async (h) => {
        await assert.rejects(h.up("import", { inputUriPrefix: "gs://far/2024-01-01" }), (error: Error) => {
          assert.match(error.message, /400 INVALID_ARGUMENT: Bucket far is in location asia-east1\./);
          assert.match(
            error.message,
            /Fix: gs:\/\/far is in asia-east1, which this database cannot use: export and import need a bucket in us, nam5\./,
          );
          assert.ok(error.message.endsWith(`See ${DOCS.locations}`));
          return true;
        });
      },
    );
  });

  // On a stepped clock that moves only while the client waits: the start always sees the export running.
  test("requester-pays @run: the wait step's failure carries Google's error and the fix", async () => {
    await withSteppedProvider(
      { behaviour: { operationDurationMs: 300, buckets: { "rp-shared": { problem: "requester-pays", at: "run" } } } },
      { fastForward: true },
      async (h, clock) => {
        const start = await h.up("export", { outputUriPrefix: "gs://rp-shared/x", waitFor: "done", resourceUrn: URN });
        assert.equal(start.outs.state, "PROCESSING", "the start was accepted");
        await assert.rejects(
          h.up("wait", { operationName: start.id, timeouts: start.outs.timeouts, resourceUrn: URN }),
          (error: unknown) => {
            assert.ok(error instanceof InitializationFailure);
            const reason = error.reasons[0] ?? "";
            assert.match(
              reason,
              /ended FAILED \(code 3: Bucket is a requester pays bucket but no user project provided\.\)/,
            );
            assert.match(
              reason,
              /Fix: gs:\/\/rp-shared has Requester Pays on, .* --no-requester-pays\) or use another bucket\./,
            );
            assert.ok(reason.endsWith(`See ${DOCS.beforeYouBegin}`));
            return true;
          },
        );
        assert.ok(clock.slept.length > 0, "the wait step waited for the export to end");
      },
    );
  });

  test("no-access @run: the FAILED operation names the derived service agent", async () => {
    await withSteppedProvider(
      { behaviour: { operationDurationMs: 300, buckets: { locked: { problem: "no-access", at: "run" } } } },
      { fastForward: true },
      async (h) => {
        const start = await h.up("export", { outputUriPrefix: "gs://locked/x", waitFor: "done", resourceUrn: URN });
        assert.equal(start.outs.state, "PROCESSING", "the start was accepted");
        await assert.rejects(
          h.up("wait", { operationName: start.id, timeouts: start.outs.timeouts, resourceUrn: URN }),
          (error: unknown) => {
            assert.ok(error instanceof InitializationFailure);
            assert.equal(error.properties.errorCode, 7);
            assert.ok(
              (error.reasons[0] ?? "").includes(`Fix: The Firestore service agent ${AGENT} cannot write gs://locked.`),
            );
            return true;
          },
        );
      },
    );
  });

  test("a failure that is not the bucket's keeps its message as it was", async () => {
    await withSteppedProvider(
      { behaviour: { operationDurationMs: 200, failureRate: 1 } },
      { fastForward: true },
      async (h) => {
        const start = await h.up("export", { outputUriPrefix: "gs://bkt/x", waitFor: "done", resourceUrn: URN });
        assert.equal(start.outs.state, "PROCESSING", "the start was accepted");
        await assert.rejects(h.up("wait", { operationName: start.id, resourceUrn: URN }), (error: unknown) => {
          assert.ok(error instanceof InitializationFailure);
          assert.doesNotMatch(error.reasons[0] ?? "", /Fix:/);
          return true;
        });
      },
    );
  });
});
