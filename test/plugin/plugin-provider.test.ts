import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "../../client/errors";
import { parseOperation } from "../../client/operation-view";
import { PLUGIN_CONFIG_KEYS } from "../../plugin/config-keys";
import { importedInputs } from "../../plugin/import-inputs";
import { plaintextSecretError, pluginConfig } from "../../plugin/plugin-config";
import { FirestoreOperationsPlugin, kindOf } from "../../plugin/plugin-provider";
import type { StartJournal } from "../../provider/start-journal";
import { DB } from "../support/emulator-client";

const SECRET = (value: unknown) => ({
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  value,
});
const URN = "urn:pulumi:dev::proj::firestore-operations:index:FirestoreExport::nightly";

/** The plugin configured as the engine would, with no environment setting of its own in the way. */
function configuredPlugin(args: Record<string, unknown>): FirestoreOperationsPlugin {
  const plugin = new FirestoreOperationsPlugin("0.0.0-test", "{}", undefined, undefined as unknown as StartJournal);
  plugin.configure({ id: "provider-id", args });
  return plugin;
}

describe("the plugin's resource types", () => {
  test("a URN's type names the kind, under a parent chain too", () => {
    assert.equal(kindOf(URN), "export");
    assert.equal(
      kindOf("urn:pulumi:s::p::my:index:Parent$firestore-operations:index:FirestoreOperation::x"),
      "adopted",
    );
    assert.equal(kindOf("urn:pulumi:s::p::firestore-operations:index:FirestoreBulkDelete::x"), "bulkDelete");
    assert.throws(() => kindOf("urn:pulumi:s::p::firestore-operations:index:Nope::x"), /unknown resource type/);
  });
});

describe("the plugin's configuration", () => {
  test("secrets are unwrapped and remembered as secrets; typed values become text", () => {
    const config = pluginConfig({ project: "p-1", accessToken: SECRET("ya29.token"), allowInsecureEndpoint: true });
    assert.deepEqual(config.values, {
      [PLUGIN_CONFIG_KEYS.project]: "p-1",
      [PLUGIN_CONFIG_KEYS.accessToken]: "ya29.token",
      [PLUGIN_CONFIG_KEYS.allowInsecureEndpoint]: "true",
    });
    assert.deepEqual([...config.secret], [PLUGIN_CONFIG_KEYS.accessToken]);
    assert.equal(plaintextSecretError(config), undefined);
  });

  test("a plaintext token is refused, naming the plugin's key and never printing the value", () => {
    const error = plaintextSecretError(pluginConfig({ accessToken: "ya29.plaintext" }));
    assert.ok(error);
    assert.match(error.message, /firestore-operations:accessToken holds an access token in plaintext/);
    assert.match(error.message, /pulumi config set --secret firestore-operations:accessToken/);
    assert.doesNotMatch(error.message, /ya29/);
  });

  test("check names the plugin's config keys, not gcp:*", async () => {
    const saved = { ...process.env };
    for (const key of ["GOOGLE_PROJECT", "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT"]) {
      delete process.env[key];
    }
    try {
      const missing = await configuredPlugin({}).check(URN, {}, { outputUriPrefix: "gs://bkt" });
      assert.equal(missing.failures?.length, 1);
      assert.match(missing.failures?.[0]?.reason ?? "", /"firestore-operations:project" stack config/);
      const refused = await configuredPlugin({ accessToken: "ya29.plaintext", project: "demo-project" }).check(
        URN,
        {},
        { outputUriPrefix: "gs://bkt" },
      );
      assert.match(refused.failures?.[0]?.reason ?? "", /firestore-operations:accessToken/);
    } finally {
      process.env = saved;
    }
  });

  test("check stores only the timeouts a resource declares: customTimeouts stand in for the rest", async () => {
    const plugin = configuredPlugin({ project: "demo-project" });
    const none = await plugin.check(URN, {}, { outputUriPrefix: "gs://bkt" });
    assert.deepEqual(none.failures, []);
    assert.equal(none.inputs.timeouts, undefined);
    assert.equal(none.inputs.resourceUrn, URN);
    const some = await plugin.check(URN, {}, { outputUriPrefix: "gs://bkt", timeouts: { create: "3h" } });
    assert.deepEqual(some.inputs.timeouts, { create: "3h" });
    const forged = await plugin.check(URN, {}, { outputUriPrefix: "gs://bkt", stackInstance: "another" });
    assert.equal(forged.inputs.stackInstance, undefined, "a program cannot pick the journal's key");
  });
});

describe("pulumi import: the inputs an existing operation is recorded with", () => {
  const exportOperation = parseOperation({
    name: `${DB}/operations/AS1`,
    metadata: {
      "@type": "type.googleapis.com/google.firestore.admin.v1.ExportDocumentsMetadata",
      operationState: "PROCESSING",
      outputUriPrefix: "gs://bkt/nightly",
      collectionIds: ["users", "orders"],
    },
  });

  test("an export imports as a FirestoreExport with what it was asked to do", () => {
    assert.deepEqual(importedInputs("export", exportOperation), {
      database: DB,
      outputUriPrefix: "gs://bkt/nightly",
      collectionIds: ["orders", "users"],
    });
  });

  test("any operation imports as a FirestoreOperation", () => {
    assert.deepEqual(importedInputs("adopted", exportOperation), {
      database: DB,
      operationName: `${DB}/operations/AS1`,
    });
  });

  test("an export is no import: the error names the id and both types", () => {
    assert.throws(
      () => importedInputs("import", exportOperation),
      (error: unknown) =>
        error instanceof InvalidInputError &&
        /ExportDocumentsMetadata/.test(error.message) &&
        /ImportDocumentsMetadata/.test(error.message) &&
        error.field === "id",
    );
  });
});
