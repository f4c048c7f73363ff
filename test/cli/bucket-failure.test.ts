/** firestore-ops describe and watch on an export that ended FAILED because of its bucket: the fix is shown. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { serviceAgent } from "../../emulator/bucket-problems";
import { runCli, shortOperationId, startExport, target, untilDone } from "../support/cli-harness";
import { type TestEmulator, withEmulator } from "../support/emulator-client";

const AGENT = serviceAgent("demo-project");

/**
 * An export to `prefix` whose bucket the emulator gives `problem` while it runs, over (FAILED) when `body` runs,
 * with the operation's name and its final JSON.
 */
async function withBucketFailure(
  prefix: string,
  problem: "no-access" | "wrong-location",
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
  body: (emu: TestEmulator, name: string, done: any) => Promise<void>,
): Promise<void> {
  const bucket = new URL(prefix).host;
  const behaviour = { operationDurationMs: 300, buckets: { [bucket]: { problem, at: "run" as const } } };
  await withEmulator({ auth: "oauth", behaviour }, async (emu) => {
    const name = await startExport(emu, prefix);
    await body(emu, name, await untilDone(emu, name));
  });
}

describe("firestore-ops: bucket failures say how to fix them", () => {
  test("describe shows Fix and Docs rows; watch's last line carries the fix", async () => {
    await withBucketFailure("gs://locked/nightly", "no-access", async (emu, name, done) => {
      assert.equal(done.error.code, 7, "the emulator failed it on the bucket");

      const described = await runCli(["describe", shortOperationId(name), ...target(emu)]);
      assert.equal(described.code, 0, described.stderr);
      assert.match(described.stdout, /^Error: +code 7: Service account does not have access/m);
      assert.match(
        described.stdout,
        new RegExp(
          `^Fix: +The Firestore service agent ${AGENT.replace(/\./g, "\\.")} cannot write gs://locked\\.`,
          "m",
        ),
      );
      assert.match(described.stdout, /--role=roles\/storage\.admin$/m);
      assert.match(
        described.stdout,
        /^Docs: +https:\/\/cloud\.google\.com\/firestore\/docs\/manage-data\/export-import#permissions$/m,
      );

      const watched = await runCli(["watch", shortOperationId(name), ...target(emu)]);
      assert.equal(watched.code, 3);
      const last = watched.stdout.trimEnd().split("\n").at(-1) ?? "";
      assert.match(last, /ended FAILED .*\(code 7: .*\)\. Fix: The Firestore service agent service-\d{12}@/);
      assert.match(last, /See https:\/\/cloud\.google\.com\/firestore\/docs\/manage-data\/export-import#permissions$/);
    });
  });

  test("wrong-location: describe says where the bucket must be", async () => {
    await withBucketFailure("gs://far/x", "wrong-location", async (emu, name) => {
      const described = await runCli(["describe", shortOperationId(name), ...target(emu)]);
      assert.match(
        described.stdout,
        /^Fix: +gs:\/\/far is in europe-west1, which this database cannot use: export and import need a bucket in us, nam5\./m,
      );
      assert.match(described.stdout, /^Docs: +https:\/\/cloud\.google\.com\/firestore\/docs\/locations$/m);
    });
  });

  test("an operation that failed for another reason shows no Fix row", async () => {
    await withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 200, failureRate: 1 } }, async (emu) => {
      const name = await startExport(emu, "gs://bkt/x");
      await untilDone(emu, name);
      const described = await runCli(["describe", shortOperationId(name), ...target(emu)]);
      assert.match(described.stdout, /^Error: +code 13/m);
      assert.doesNotMatch(described.stdout, /^Fix:/m);
    });
  });
});
