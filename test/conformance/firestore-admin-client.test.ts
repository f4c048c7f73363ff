import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { v1 } from "@google-cloud/firestore";
import { GoogleAuth } from "google-auth-library";
import type { EmulatorOptions } from "../../emulator/emulator";
import { writeEmulatorCredentials } from "../../emulator/index";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";

type RestClient = InstanceType<typeof v1.FirestoreAdminClient>;

/**
 * Runs `body` with Google's client over its REST transport, pointed at an emulator started with `options`, with
 * credentials the emulator issued; closes the client and removes the credentials after it, whatever it did.
 */
async function withRestClient(
  options: EmulatorOptions,
  body: (client: RestClient, emu: TestEmulator) => Promise<void>,
): Promise<void> {
  await withEmulator(options, async (emu) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conf-gax-"));
    try {
      const creds = await writeEmulatorCredentials(emu.url, dir);
      const { port, hostname } = new URL(emu.url);
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
      try {
        await body(client, emu);
      } finally {
        await client.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** `@google-cloud/firestore`'s generated FirestoreAdminClient over its REST transport (gax fallback). */
describe("conformance: @google-cloud/firestore v1.FirestoreAdminClient (REST)", () => {
  test("exportDocuments -> cancel() -> promise() rejects with code 1; checkExportDocumentsProgress", async () => {
    await withRestClient(
      { auth: "oauth", behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 300 } },
      async (client, emu) => {
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
        const [got] = await client.getOperation({ name: operation.name } as Parameters<typeof client.getOperation>[0]);
        assert.equal(got.done, true);
        assert.equal(got.error?.code, 1);

        const requests = (await emu.control("GET", "requests")).json.requests as { endpoint?: string }[];
        assert.ok(requests.some((r) => r.endpoint === "operations.cancel"));
      },
    );
  });
  test("restoreDatabase, createDatabase, deleteDatabase: promise() resolves to the Database; restore's metadata decodes", async () => {
    await withRestClient(
      {
        auth: "oauth",
        pointInTimeRecovery: true,
        backups: [{ name: "projects/demo-project/locations/nam5/backups/b1", database: DB }],
        behaviour: { operationDurationMs: 600 },
      },
      async (client, emu) => {
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
      },
    );
  });
  test("backups, databases.list/update, fields and indexes: Google's client decodes every answer", async () => {
    await withRestClient(
      {
        auth: "oauth",
        collections: { users: 50 },
        backups: [{ name: "projects/demo-project/locations/nam5/backups/daily", database: DB }],
        behaviour: { operationDurationMs: 400 },
      },
      async (client, emu) => {
        const parent = "projects/demo-project";
        const backupName = `${parent}/locations/nam5/backups/daily`;
        const [backups] = await client.listBackups({ parent: `${parent}/locations/-` });
        assert.deepEqual(
          backups.backups?.map((b) => b.name),
          [backupName],
        );
        const [backup] = await client.getBackup({ name: backupName });
        assert.equal(backup.database, DB);
        assert.equal(String(backup.stats?.documentCount), "50", "int64 decodes");
        assert.ok(["READY", 2].includes(backup.state as string | number), String(backup.state));

        const [databases] = await client.listDatabases({ parent });
        assert.deepEqual(
          databases.databases?.map((d) => d.name),
          [DB],
        );
        assert.ok(databases.databases?.[0]?.uid, "the uid decodes");
        const [update] = await client.updateDatabase({
          database: { name: DB, deleteProtectionState: "DELETE_PROTECTION_ENABLED" },
          updateMask: { paths: ["delete_protection_state"] },
        });
        const [updated] = await update.promise();
        assert.ok(
          ["DELETE_PROTECTION_ENABLED", 2].includes(updated.deleteProtectionState as string | number),
          String(updated.deleteProtectionState),
        );
        // gax's REST fallback leaves this DELETE's error undecoded (code: the HTTP status); the wire says more.
        await assert.rejects(client.deleteDatabase({ name: DB }), (error: { code?: number }) =>
          [9, 400].includes(error.code as number),
        );
        const refused = await emu.call("DELETE", `/v1/${DB}`, undefined, {
          authorization: "Bearer firestore-emulator-dev-token",
        });
        assert.equal(refused.json.error.status, "FAILED_PRECONDITION", "refused while protected");

        const fieldName = `${DB}/collectionGroups/users/fields/expiresAt`;
        const [fieldOp] = await client.updateField({
          field: { name: fieldName, ttlConfig: {} },
          updateMask: { paths: ["ttl_config"] },
        });
        const metadata = fieldOp.metadata as { field?: string; ttlConfigDelta?: { changeType?: unknown } };
        assert.equal(metadata.field, fieldName);
        assert.ok(["ADD", 1].includes(metadata.ttlConfigDelta?.changeType as string | number));
        const [field] = await fieldOp.promise();
        assert.equal(field.name, fieldName);
        const [fields] = await client.listFields({
          parent: `${DB}/collectionGroups/users`,
          filter: "ttlConfig:*",
        });
        assert.deepEqual(
          fields.map((f) => f.name),
          [fieldName],
        );

        const [indexOp] = await client.createIndex({
          parent: `${DB}/collectionGroups/users`,
          index: {
            queryScope: "COLLECTION",
            fields: [
              { fieldPath: "a", order: "ASCENDING" },
              { fieldPath: "b", order: "DESCENDING" },
            ],
          },
        });
        const [index] = await indexOp.promise();
        const [indexes] = await client.listIndexes({ parent: `${DB}/collectionGroups/users` });
        assert.deepEqual(
          indexes.map((i) => i.name),
          [index.name],
        );
        const [got] = await client.getIndex({ name: index.name as string });
        assert.equal(got.fields?.length, 2);
        await client.deleteIndex({ name: index.name as string });
        await assert.rejects(client.getIndex({ name: index.name as string }), (e: { code?: number }) =>
          [5, 404].includes(e.code as number),
        );
        await client.deleteBackup({ name: backupName });
        await assert.rejects(client.getBackup({ name: backupName }), (e: { code?: number }) =>
          [5, 404].includes(e.code as number),
        );
      },
    );
  });
});
