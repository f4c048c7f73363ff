import assert from "node:assert/strict";
import * as net from "node:net";
import { describe, test } from "node:test";
import { DEV_TOKEN } from "../../emulator/index";
import { operation, runCli, shortOperationId, startExport, target, untilDone } from "../support/cli-harness";
import { DB, withEmulator } from "../support/emulator-client";
import { skewedClock } from "../support/skewed-clock";

const OTHER_DB = "projects/demo-project/databases/other-db";

describe("firestore-ops describe", () => {
  test("a full name, or a bare id with --database (an id, or a full database name)", async () => {
    const clock = skewedClock();
    await withEmulator({ auth: "oauth", databases: [DB, OTHER_DB], now: clock.now }, async (emu) => {
      const name = await startExport(emu, "gs://bkt/described", OTHER_DB);
      clock.aheadMs += 10_000; // a sixth of the minute: Firestore has estimated the work by then

      const full = await runCli(["describe", name, "--endpoint", emu.url, "--access-token", DEV_TOKEN]);
      assert.equal(full.code, 0, full.stderr);
      assert.match(full.stdout, new RegExp(`^Name:\\s+${name.replace(/[()]/g, "\\$&")}$`, "m"));
      assert.match(full.stdout, /^Type:\s+ExportDocuments$/m);
      assert.match(full.stdout, /^State:\s+PROCESSING$/m);
      assert.match(full.stdout, /^Progress:\s+[\d,]+\/[\d,]+ documents \(\d+\.\d%\), .*B\/.*B$/m);
      assert.match(full.stdout, /^Started:\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
      assert.match(full.stdout, /^Output:\s+gs:\/\/bkt\/described$/m);
      assert.match(full.stdout, /^Collections:\s+all$/m);

      const byId = await runCli(["describe", shortOperationId(name), "--database", "other-db", ...target(emu)]);
      assert.equal(byId.code, 0, byId.stderr);
      assert.match(byId.stdout, /^State:\s+PROCESSING$/m);

      const byFullDatabase = await runCli([
        "describe",
        shortOperationId(name),
        "--database",
        OTHER_DB,
        "--endpoint",
        emu.url,
        "--access-token",
        DEV_TOKEN,
      ]);
      assert.equal(byFullDatabase.code, 0, byFullDatabase.stderr);

      const wrongDatabase = await runCli(["describe", shortOperationId(name), ...target(emu)]);
      assert.equal(wrongDatabase.code, 1, "the id is looked up in (default), where it does not exist");
      assert.match(wrongDatabase.stderr, /404 NOT_FOUND/);
    });
  });

  test("--json, and a finished operation's error and what its cancel left behind", async () => {
    await withEmulator({ auth: "oauth", behaviour: { cancelLatencyMs: 0 } }, async (emu) => {
      const name = await startExport(emu, "gs://bkt/cancelled");
      await emu.call("POST", `/v1/${name}:cancel`, {}, { authorization: `Bearer ${DEV_TOKEN}` });
      await untilDone(emu, name);

      const json = await runCli(["describe", shortOperationId(name), "--json", ...target(emu)]);
      assert.equal(json.code, 0, json.stderr);
      // The API's Operation resource as the server sent it (what gcloud --format=json prints).
      const resource = JSON.parse(json.stdout);
      assert.deepEqual(resource, await operation(emu, name));
      assert.equal(resource.metadata.operationState, "CANCELLED");
      assert.equal(resource.done, true);
      assert.deepEqual(resource.error, { code: 1, message: "The operation was cancelled." });

      const text = await runCli(["describe", shortOperationId(name), ...target(emu)]);
      assert.match(text.stdout, /^State:\s+CANCELLED$/m);
      assert.match(text.stdout, /^Done:\s+yes$/m);
      assert.match(text.stdout, /^Error:\s+code 1: The operation was cancelled\.$/m);
      assert.match(
        text.stdout,
        /^Note:\s+Cancelling does not roll back: files already written under gs:\/\/bkt\/cancelled/m,
      );
    });
  });

  test("auth none: an emulator without auth needs no credentials at all", async () => {
    await withEmulator({ auth: "none", behaviour: { operationDurationMs: 50 } }, async (emu) => {
      const name = await startExport(emu, "gs://bkt/open");
      await untilDone(emu, name);
      const result = await runCli(["describe", shortOperationId(name), "--project", "demo-project"], {
        env: { FIRESTORE_CUSTOM_ENDPOINT: emu.url },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^State:\s+SUCCESSFUL$/m);
      assert.match(result.stdout, /^Took:\s+\d/m);
    });
  });

  test("a dead endpoint: a definite failure naming host:port, 3 quick attempts said on stderr, exit 1", async () => {
    // A port that was just free: connections to it are refused.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));

    const dead = await runCli([
      "describe",
      `${DB}/operations/some-id`,
      "--endpoint",
      `http://127.0.0.1:${port}/v1/`,
      "--access-token",
      DEV_TOKEN,
    ]);
    assert.equal(dead.code, 1, dead.stderr);
    const retries = dead.stderr.match(/^Retrying GET \S+ \(attempt \d of 3\): .*ECONNREFUSED.*$/gm) ?? [];
    assert.deepEqual(
      retries.map((line) => /attempt (\d)/.exec(line)?.[1]),
      ["2", "3"],
      dead.stderr,
    );
    assert.match(
      dead.stderr,
      new RegExp(`could not connect to 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\); nothing was sent`),
    );
  });
});
