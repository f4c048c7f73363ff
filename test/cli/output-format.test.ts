import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import * as cli from "../support/cli-harness";
import { withEmulator } from "../support/emulator-client";

describe("firestore-ops --format: the API's Operation resources, as gcloud prints them", () => {
  test("describe --format json and yaml print the Operation exactly as the API sent it", async () => {
    await withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 300 } }, async (emu) => {
      const name = await cli.startExport(emu, "gs://bkt/done");
      await cli.untilDone(emu, name);
      const api = await cli.operation(emu, name);
      assert.equal(api.metadata.operationState, "SUCCESSFUL", "the setup: a finished export");

      const json = await cli.runCli(["describe", cli.shortOperationId(name), "--format=json", ...cli.target(emu)]);
      assert.equal(json.code, 0, json.stderr);
      assert.deepEqual(JSON.parse(json.stdout), api);
      const alias = await cli.runCli(["describe", cli.shortOperationId(name), "--json", ...cli.target(emu)]);
      assert.equal(alias.stdout, json.stdout, "--json is --format json");

      const yaml = await cli.runCli(["describe", cli.shortOperationId(name), "--format", "yaml", ...cli.target(emu)]);
      assert.equal(yaml.code, 0, yaml.stderr);
      assert.deepEqual(parse(yaml.stdout), api);
      assert.match(yaml.stdout, /^name: projects\/demo-project\/databases\/\(default\)\/operations\//m);
      assert.match(yaml.stdout, /^ {2}operationState: SUCCESSFUL$/m);

      const table = await cli.runCli(["describe", cli.shortOperationId(name), "--format", "table", ...cli.target(emu)]);
      assert.match(table.stdout, /^State:\s+SUCCESSFUL$/m);
    });
  });

  test("list --format yaml: one document per operation; json: a list", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      await cli.setBehaviour(emu, { operationDurationMs: 60_000 });
      const names = [await cli.startExport(emu, "gs://bkt/a"), await cli.startExport(emu, "gs://bkt/b")];
      const yaml = await cli.runCli(["list", "--format", "yaml", ...cli.target(emu)]);
      assert.equal(yaml.code, 0, yaml.stderr);
      const documents = parseAllDocuments(yaml.stdout).map((doc) => doc.toJS());
      assert.equal(documents.length, 2, yaml.stdout);
      assert.deepEqual(documents.map((doc) => doc.name).sort(), [...names].sort());
      assert.deepEqual(
        documents.map((doc) => doc.metadata.operationState),
        ["PROCESSING", "PROCESSING"],
      );

      const json = JSON.parse((await cli.runCli(["list", "--format", "json", ...cli.target(emu)])).stdout);
      assert.ok(Array.isArray(json));
      assert.deepEqual(json.map((op: { name: string }) => op.name).sort(), [...names].sort());

      const none = await cli.runCli([
        "list",
        "--format",
        "json",
        "--filter",
        'metadata.outputUriPrefix="gs://x"',
        ...cli.target(emu),
      ]);
      assert.equal(none.stdout, "[]\n", "an empty list is still a list");
    });
  });
});
