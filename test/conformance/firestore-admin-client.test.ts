import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { v1 } from "@google-cloud/firestore";
import { GoogleAuth } from "google-auth-library";
import { writeEmulatorCredentials } from "../../emulator/index";
import { DB, withEmulator } from "../support/emulator-client";

/** Google's client over its REST transport, pointed at the emulator, with credentials the emulator issued. */
async function restClientFor(
  url: string,
  dirPrefix: string,
): Promise<{ client: InstanceType<typeof v1.FirestoreAdminClient>; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), dirPrefix));
  const creds = await writeEmulatorCredentials(url, dir);
  const { port, hostname } = new URL(url);
  const client = new v1.FirestoreAdminClient({
    fallback: true,
    apiEndpoint: hostname,
    port: Number(port),
    protocol: "http",
    auth: new GoogleAuth({
      keyFile: creds.externalAccountFile,
      scopes: ["https://www.googleapis.com/auth/datastore"],
    }),
    // gax bundles its own google-auth-library copy; the object is the same API, the types are not.
  } as unknown as ConstructorParameters<typeof v1.FirestoreAdminClient>[0]);
  return { client, dir };
}

/** `@google-cloud/firestore`'s generated FirestoreAdminClient over its REST transport (gax fallback). */
describe("conformance: @google-cloud/firestore v1.FirestoreAdminClient (REST)", () => {
  test("exportDocuments -> cancel() -> promise() rejects with code 1; checkExportDocumentsProgress", async () => {
    await withEmulator(
      { auth: "oauth", behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 300 } },
      async (emu) => {
        const { client, dir } = await restClientFor(emu.url, "conf-gax-");
        try {
          const [operation] = await client.exportDocuments({
            name: DB,
            outputUriPrefix: "gs://bkt/gax",
            collectionIds: ["orders"],
          });
          assert.match(operation.name ?? "", /\/operations\//);

          const progress = await client.checkExportDocumentsProgress(operation.name as string);
          const metadata = progress.metadata as {
            operationState?: unknown;
            outputUriPrefix?: string;
            collectionIds?: string[];
          };
          assert.equal(metadata.outputUriPrefix, "gs://bkt/gax");
          assert.deepEqual(metadata.collectionIds, ["orders"]);
          assert.ok(
            ["PROCESSING", 2].includes(metadata.operationState as string | number),
            String(metadata.operationState),
          );

          await operation.cancel();
          await assert.rejects(operation.promise(), (error: { code?: number }) => error.code === 1);

          const listed: string[] = [];
          // The generated typings of the operations mixin are off (they name the response type); the wire is not.
          const pages = client.listOperationsAsync({
            name: DB,
            filter: "done=true",
          } as never) as unknown as AsyncIterable<{
            name?: string;
          }>;
          for await (const op of pages) listed.push(op.name as string);
          assert.ok(listed.includes(operation.name as string));
          const [got] = await client.getOperation({ name: operation.name } as Parameters<
            typeof client.getOperation
          >[0]);
          assert.equal(got.done, true);
          assert.equal(got.error?.code, 1);

          const requests = (await emu.control("GET", "requests")).json.requests as { endpoint?: string }[];
          assert.ok(requests.some((r) => r.endpoint === "operations.cancel"));
        } finally {
          await client.close();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });
  test("restoreDatabase, createDatabase, deleteDatabase: promise() resolves to the Database; restore's metadata decodes", async () => {
    await withEmulator(
      { auth: "oauth", pointInTimeRecovery: true, behaviour: { operationDurationMs: 600 } },
      async (emu) => {
        const { client, dir } = await restClientFor(emu.url, "conf-gax-db-");
        try {
          const parent = "projects/demo-project";
          const [restore] = await client.restoreDatabase({
            parent,
            databaseId: "restored-db",
            backup: `${parent}/locations/nam5/backups/b1`,
          });
          assert.match(restore.name ?? "", /^projects\/demo-project\/databases\/restored-db\/operations\//);
          const metadata = restore.metadata as { database?: string; backup?: string };
          assert.equal(metadata.database, `${parent}/databases/restored-db`);
          assert.equal(metadata.backup, `${parent}/locations/nam5/backups/b1`);
          const [restored] = await restore.promise();
          assert.equal((restored as { name?: string }).name, `${parent}/databases/restored-db`);

          // This @google-cloud/firestore has no cloneDatabase; the emulator tests cover its shape.
          const [create] = await client.createDatabase({ parent, databaseId: "fresh-db", database: {} });
          const [created] = await create.promise();
          assert.equal((created as { name?: string }).name, `${parent}/databases/fresh-db`);
          const [remove] = await client.deleteDatabase({ name: `${parent}/databases/fresh-db` });
          await remove.promise();
          assert.equal(
            (
              await emu.call("GET", `/v1/${parent}/databases/fresh-db`, undefined, {
                authorization: "Bearer firestore-emulator-dev-token",
              })
            ).status,
            404,
          );
        } finally {
          await client.close();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });
});
