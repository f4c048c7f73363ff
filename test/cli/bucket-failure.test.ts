/** firestore-ops describe and watch on an export that ended FAILED because of its bucket: the fix is shown. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { serviceAgent } from "../../emulator/bucket-problems";
import { runCli, shortOperationId, startExport, target, untilDone } from "../support/cli-harness";
import { withEmulator } from "../support/emulator-client";

const AGENT = serviceAgent("demo-project");

describe("firestore-ops: bucket failures say how to fix them", () => {
  test("describe shows Fix and Docs rows; watch's last line carries the fix", async () => {
    await withEmulator(
      {
        auth: "oauth",
        behaviour: { operationDurationMs: 300, buckets: { locked: { problem: "no-access", at: "run" } } },
      },
      async (emu) => {
        const name = await startExport(emu, "gs://locked/nightly");
        const done = await untilDone(emu, name);
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
        assert.match(
          last,
          /See https:\/\/cloud\.google\.com\/firestore\/docs\/manage-data\/export-import#permissions$/,
        );
      },
    );
  });

  test("wrong-location: describe says where the bucket must be", async () => {
    await withEmulator(
      {
        auth: "oauth",
        behaviour: { operationDurationMs: 300, buckets: { far: { problem: "wrong-location", at: "run" } } },
      },
      async (emu) => {
        const name = await startExport(emu, "gs://far/x");
        await untilDone(emu, name);
        const described = await runCli(["describe", shortOperationId(name), ...target(emu)]);
        assert.match(
          described.stdout,
          /^Fix: +gs:\/\/far is in europe-west1, which this database cannot use: export and import need a bucket in us, nam5\./m,
        );
        assert.match(described.stdout, /^Docs: +https:\/\/cloud\.google\.com\/firestore\/docs\/locations$/m);
      },
    );
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
