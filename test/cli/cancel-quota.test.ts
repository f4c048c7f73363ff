import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  adminRequests,
  operation,
  runCliUntil,
  setBehaviour,
  shortOperationId,
  startExport,
  target,
} from "../support/cli-harness";
import { withEmulator } from "../support/emulator-client";

describe("firestore-ops cancel against a quota", () => {
  test("a cancel refused with 429 beyond the transport's retries waits as told and is sent again", async () => {
    await withEmulator(
      { auth: "oauth", behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 200 } },
      async (emu) => {
        const name = await startExport(emu, "gs://bkt/q");
        // Every cancel refused (429, Retry-After and RetryInfo of 1 s) until the quota frees up: once the CLI has
        // sent it more often than its transport retries (4 attempts), however long that took on this machine.
        await setBehaviour(emu, {
          faults: { rate: 1, kinds: ["429"], endpoints: ["operations.cancel"], retryAfterSeconds: 1 },
        });
        const refusedCancels = async () =>
          ((await adminRequests(emu)) as { endpoint?: string; status?: number }[]).filter(
            (r) => r.endpoint === "operations.cancel" && r.status === 429,
          ).length;
        const result = await runCliUntil(
          ["cancel", shortOperationId(name), "--wait", ...target(emu)],
          async () => (await refusedCancels()) >= 6,
          () => setBehaviour(emu, { faults: { rate: 0 } }),
        );
        assert.equal(result.code, 0, result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            `Waiting for Firestore's quota to cancel ${shortOperationId(name)}: refused \\(RESOURCE_EXHAUSTED\\), next try in 1s\\.`,
          ),
        );
        const cancels = (await adminRequests(emu)).filter((r) => r.endpoint === "operations.cancel") as {
          status?: number;
        }[];
        assert.ok(cancels.filter((r) => r.status === 429).length > 4, "refused more often than the transport retries");
        assert.equal(cancels.at(-1)?.status, 200);
        assert.equal((await operation(emu, name)).metadata.operationState, "CANCELLED");
      },
    );
  });
});
