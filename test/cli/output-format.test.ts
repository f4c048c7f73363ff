import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import {
  operation,
  runCli,
  setBehaviour,
  shortOperationId,
  startExport,
  target,
  untilDone,
} from "../support/cli-harness";
import { withEmulator } from "../support/emulator-client";

describe("firestore-ops --format: the API's Operation resources, as gcloud prints them", () => {
  test("describe --format json and yaml print the Operation exactly as the API sent it", async () => {
    await withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 300 } }, async (emu) => {
      const name = await startExport(emu, "gs://bkt/done");
      await untilDone(emu, name);
      const api = await operation(emu, name);
      assert.equal(api.metadata.operationState, "SUCCESSFUL", "the setup: a finished export");

      const json = await runCli(["describe", shortOperationId(name), "--format=json", ...target(emu)]);
      assert.equal(json.code, 0, json.stderr);
      assert.deepEqual(JSON.parse(json.stdout), api);
      const alias = await runCli(["describe", shortOperationId(name), "--json", ...target(emu)]);
      assert.equal(alias.stdout, json.stdout, "--json is --format json");

      const yaml = await runCli(["describe", shortOperationId(name), "--format", "yaml", ...target(emu)]);
      assert.equal(yaml.code, 0, yaml.stderr);
      assert.deepEqual(parse(yaml.stdout), api);
      assert.match(yaml.stdout, /^name: projects\/demo-project\/databases\/\(default\)\/operations\//m);
      assert.match(yaml.stdout, /^ {2}operationState: SUCCESSFUL$/m);

      const table = await runCli(["describe", shortOperationId(name), "--format", "table", ...target(emu)]);
      assert.match(table.stdout, /^State:\s+SUCCESSFUL$/m);
    });
  });

  test("list --format yaml: one document per operation; json: a list", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      await setBehaviour(emu, { operationDurationMs: 60_000 });
      const names = [await startExport(emu, "gs://bkt/a"), await startExport(emu, "gs://bkt/b")];
      const yaml = await runCli(["list", "--format", "yaml", ...target(emu)]);
      assert.equal(yaml.code, 0, yaml.stderr);
      const documents = parseAllDocuments(yaml.stdout).map((doc) => doc.toJS());
      assert.equal(documents.length, 2, yaml.stdout);
      assert.deepEqual(documents.map((doc) => doc.name).sort(), [...names].sort());
      assert.deepEqual(
        documents.map((doc) => doc.metadata.operationState),
        ["PROCESSING", "PROCESSING"],
      );

      const json = JSON.parse((await runCli(["list", "--format", "json", ...target(emu)])).stdout);
      assert.ok(Array.isArray(json));
      assert.deepEqual(json.map((op: { name: string }) => op.name).sort(), [...names].sort());

      const none = await runCli([
        "list",
        "--format",
        "json",
        "--filter",
        'metadata.outputUriPrefix="gs://x"',
        ...target(emu),
      ]);
      assert.equal(none.stdout, "[]\n", "an empty list is still a list");
    });
  });
});
