import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as cli from "../support/cli-harness";
import { withEmulator } from "../support/emulator-client";

describe("firestore-ops cancel against a quota", () => {
  test("a cancel refused with 429 beyond the transport's retries waits as told and is sent again", async () => {
    await withEmulator(
      { auth: "oauth", behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 200 } },
      async (emu) => {
        const name = await cli.startExport(emu, "gs://bkt/q");
        // Every cancel refused (429, Retry-After and RetryInfo of 1 s) until the quota frees up: once the CLI has
        // sent it more often than its transport retries (4 attempts), however long that took on this machine.
        await cli.setBehaviour(emu, {
          faults: { rate: 1, kinds: ["429"], endpoints: ["operations.cancel"], retryAfterSeconds: 1 },
        });
        const refusedCancels = async () =>
          ((await cli.adminRequests(emu)) as { endpoint?: string; status?: number }[]).filter(
            (r) => r.endpoint === "operations.cancel" && r.status === 429,
          ).length;
        const result = await cli.runCliUntil(
          ["cancel", cli.shortOperationId(name), "--wait", ...cli.target(emu)],
          async () => (await refusedCancels()) >= 6,
          () => cli.setBehaviour(emu, { faults: { rate: 0 } }),
        );
        assert.equal(result.code, 0, result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            `Waiting for Firestore's quota to cancel ${cli.shortOperationId(name)}: refused \\(RESOURCE_EXHAUSTED\\), next try in 1s\\.`,
          ),
        );
        const cancels = (await cli.adminRequests(emu)).filter((r) => r.endpoint === "operations.cancel") as {
          status?: number;
        }[];
        assert.ok(cancels.filter((r) => r.status === 429).length > 4, "refused more often than the transport retries");
        assert.equal(cancels.at(-1)?.status, 200);
        assert.equal((await cli.operation(emu, name)).metadata.operationState, "CANCELLED");
      },
    );
  });
});
