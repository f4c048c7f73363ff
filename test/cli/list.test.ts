import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEV_TOKEN } from "../../emulator/index";
import { runCli, setBehaviour, shortOperationId, startExport, target, untilDone } from "../support/cli-harness";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";
import { skewedClock } from "../support/skewed-clock";

/**
 * One operation of each kind that matters to list: running, cancelled, successful. The running one is a sixth
 * through its minute, so that it has the estimate Firestore gives only after the start.
 */
async function threeOperations(
  emu: TestEmulator,
  clock: { aheadMs: number },
): Promise<{ running: string; cancelled: string; succeeded: string }> {
  await setBehaviour(emu, { operationDurationMs: 50 });
  const succeeded = await startExport(emu, "gs://bkt/succeeded");
  await untilDone(emu, succeeded);
  await setBehaviour(emu, { operationDurationMs: 60_000, cancelLatencyMs: 0 });
  const cancelled = await startExport(emu, "gs://bkt/cancelled");
  await emu.call("POST", `/v1/${cancelled}:cancel`, {}, { authorization: `Bearer ${DEV_TOKEN}` });
  await untilDone(emu, cancelled);
  const running = await startExport(emu, "gs://bkt/running");
  clock.aheadMs += 10_000;
  return { running, cancelled, succeeded };
}

/** The table row of an operation, by its short id. */
function row(table: string, name: string): string | undefined {
  return table.split("\n").find((line) => line.startsWith(shortOperationId(name)));
}

describe("firestore-ops list", () => {
  test("shows operations in flight by default, and finished ones too with --all", async () => {
    const clock = skewedClock();
    await withEmulator({ auth: "oauth", now: clock.now }, async (emu) => {
      const { running, cancelled, succeeded } = await threeOperations(emu, clock);

      const inFlight = await runCli(["list", ...target(emu)]);
      assert.equal(inFlight.code, 0, inFlight.stderr);
      const lines = inFlight.stdout.trimEnd().split("\n");
      assert.match(lines[0] ?? "", /^ID\s+TYPE\s+STATE\s+PROGRESS\s+STARTED$/);
      assert.equal(lines.length, 2, inFlight.stdout);
      assert.match(
        row(inFlight.stdout, running) ?? "",
        /ExportDocuments\s+PROCESSING\s+\[#*-*\]\s+\d+\.\d%\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );

      const all = await runCli(["list", "--all", ...target(emu)]);
      assert.equal(all.code, 0, all.stderr);
      assert.match(row(all.stdout, running) ?? "", /PROCESSING\s+\[/);
      assert.match(row(all.stdout, cancelled) ?? "", /CANCELLED\s+\d{4}-/, "no progress bar once finished");
      assert.match(
        row(all.stdout, succeeded) ?? "",
        /SUCCESSFUL\s+\d{4}-/,
        "the API hides successful operations unless asked about done",
      );
      const order = [running, cancelled, succeeded].map((name) => all.stdout.indexOf(shortOperationId(name)));
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        "newest first",
      );
    });
  });

  test("--json: the API's Operation resources, a list", async () => {
    const clock = skewedClock();
    await withEmulator({ auth: "oauth", now: clock.now }, async (emu) => {
      const { running, cancelled, succeeded } = await threeOperations(emu, clock);
      const result = await runCli(["list", "--all", "--json", ...target(emu)]);
      assert.equal(result.code, 0, result.stderr);
      // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
      const operations = JSON.parse(result.stdout) as any[];
      const states = Object.fromEntries(operations.map((op) => [op.name, op.metadata.operationState]));
      assert.deepEqual(states, { [running]: "PROCESSING", [cancelled]: "CANCELLED", [succeeded]: "SUCCESSFUL" });
      const resource = operations.find((op) => op.name === running);
      assert.equal(resource.metadata["@type"], "type.googleapis.com/google.firestore.admin.v1.ExportDocumentsMetadata");
      assert.ok(Number(resource.metadata.progressDocuments.estimatedWork) > 0, "int64 as the API sends it");

      const inFlight = JSON.parse((await runCli(["list", "--json", ...target(emu)])).stdout) as { name: string }[];
      assert.deepEqual(
        inFlight.map((op) => op.name),
        [running],
      );
    });
  });

  test("--filter is combined with the done queries, or sent alone when it asks about completion", async () => {
    const clock = skewedClock();
    await withEmulator({ auth: "oauth", now: clock.now }, async (emu) => {
      const { running, cancelled, succeeded } = await threeOperations(emu, clock);
      const names = async (...args: string[]): Promise<string[]> => {
        const result = await runCli(["list", "--json", ...args, ...target(emu)]);
        assert.equal(result.code, 0, result.stderr);
        return (JSON.parse(result.stdout) as { name: string }[]).map((op) => op.name).sort();
      };
      assert.deepEqual(await names("--all", "--filter", 'metadata.outputUriPrefix="gs://bkt/succeeded"'), [succeeded]);
      assert.deepEqual(await names("--filter", 'metadata.outputUriPrefix="gs://bkt/succeeded"'), []);
      assert.deepEqual(await names("--filter", "done=true"), [cancelled, succeeded].sort());
      assert.deepEqual(await names("--filter", "metadata.operationState=CANCELLED"), [cancelled]);
      assert.deepEqual(await names("--filter", "done: false"), [running]);

      const bad = await runCli(["list", "--filter", "name=x", ...target(emu)]);
      assert.equal(bad.code, 1, "the server refuses the filter: a failed request");
      assert.match(bad.stderr, /400 INVALID_ARGUMENT: Invalid filter: unsupported field "name"/);
    });
  });

  test("an empty list says so and points at --all; the token can come from GOOGLE_OAUTH_ACCESS_TOKEN", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const env = { GOOGLE_OAUTH_ACCESS_TOKEN: DEV_TOKEN, GOOGLE_CLOUD_PROJECT: "demo-project" };
      const result = await runCli(["list", "--endpoint", emu.url], { env });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `No operations in flight in ${DB}; --all also shows finished ones.\n`);

      const denied = await runCli(["list", "--endpoint", emu.url], {
        env: { ...env, GOOGLE_OAUTH_ACCESS_TOKEN: "not-the-dev-token" },
      });
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /^firestore-ops: GET \/v1\/projects\/demo-project\/.*: 401 UNAUTHENTICATED/);
    });
  });
});
