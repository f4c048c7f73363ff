import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { GoogleAuth } from "google-auth-library";
import { google } from "googleapis";
import { writeEmulatorCredentials } from "../../emulator/index";
import { DB, waitFor, withEmulator } from "../support/emulator-client";

/** Google's discovery-based client (`googleapis`, firestore v1), unmodified but for its root URL. */
describe("conformance: googleapis firestore v1", () => {
  test("exportDocuments, operations get / list / cancel / delete", async () => {
    await withEmulator(
      { auth: "oauth", behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 200 } },
      async (emu) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conf-googleapis-"));
        const creds = await writeEmulatorCredentials(emu.url, dir);
        const auth = new GoogleAuth({
          keyFile: creds.externalAccountFile,
          scopes: ["https://www.googleapis.com/auth/datastore"],
        });
        // googleapis bundles its own google-auth-library copy: same API, distinct types.
        const firestore = google.firestore({ version: "v1", rootUrl: `${emu.url}/`, auth: auth as never });

        const started = await firestore.projects.databases.exportDocuments({
          name: DB,
          requestBody: { outputUriPrefix: "gs://bkt/conformance", collectionIds: ["users"] },
        });
        const name = started.data.name as string;
        assert.match(name, /\/operations\//);
        assert.equal((started.data.metadata as Record<string, unknown>).operationState, "PROCESSING");

        const got = await firestore.projects.databases.operations.get({ name });
        assert.equal(got.data.name, name);

        const listed = await firestore.projects.databases.operations.list({
          name: DB,
          filter: "done=false",
          pageSize: 10,
        });
        assert.deepEqual(
          listed.data.operations?.map((o) => o.name),
          [name],
        );

        const cancelled = await firestore.projects.databases.operations.cancel({ name, requestBody: {} });
        assert.deepEqual(cancelled.data, {});
        const done = await waitFor(
          () => firestore.projects.databases.operations.get({ name }),
          (r) => r.data.done === true,
        );
        assert.equal(done.data.error?.code, 1);
        assert.equal((done.data.metadata as Record<string, unknown>).operationState, "CANCELLED");

        const deleted = await firestore.projects.databases.operations.delete({ name });
        assert.deepEqual(deleted.data, {});
        await assert.rejects(
          firestore.projects.databases.operations.get({ name }),
          (error: { status?: number }) => error.status === 404,
        );
        fs.rmSync(dir, { recursive: true, force: true });
      },
    );
  });

  test("request errors surface as the client expects (status 400 with the envelope)", async () => {
    await withEmulator({}, async (emu) => {
      const firestore = google.firestore({ version: "v1", rootUrl: `${emu.url}/` });
      await assert.rejects(
        firestore.projects.databases.exportDocuments({ name: DB, requestBody: { outputUriPrefix: "s3://nope" } }),
        (error: { status?: number; errors?: unknown; response?: { data?: { error?: { status?: string } } } }) =>
          error.status === 400 && error.response?.data?.error?.status === "INVALID_ARGUMENT",
      );
    });
  });
});
