import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as cli from "../support/cli-harness";
import { withEmulator } from "../support/emulator-client";
import { steppedClock } from "../support/stepped-clock";

const cancels = async (emu: Parameters<typeof cli.adminRequests>[0]): Promise<number> =>
  (await cli.adminRequests(emu)).filter((r) => r.endpoint === "operations.cancel").length;

describe("firestore-ops cancel", () => {
  test("--wait: waits until the operation is CANCELLED, shows progress on stderr, exits 0", async () => {
    await withEmulator(
      { auth: "oauth", behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 600 } },
      async (emu) => {
        const name = await cli.startExport(emu, "gs://bkt/x");
        const result = await cli.runCli(["cancel", cli.shortOperationId(name), "--wait", ...cli.target(emu)]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(
          result.stdout,
          new RegExp(`^${cli.shortOperationId(name)} ended CANCELLED after \\d+s: .*documents`),
        );
        assert.match(result.stdout, /Cancelling does not roll back: files already written under gs:\/\/bkt\/x/);
        assert.match(result.stderr, /Cancel requested for .*; waiting until it is over\./);
        assert.match(result.stderr, /\d\d:\d\d:\d\dZ \S+: CANCELLING /, "progress, one line per change (no TTY)");
        assert.equal(
          (await cli.operation(emu, name)).metadata.operationState,
          "CANCELLED",
          "over when the command returns",
        );
        assert.equal(await cancels(emu), 1);
      },
    );
  });

  test("--wait when the cancel loses the race: non-zero exit and says it completed despite the cancel", async () => {
    // The emulator's clock stands still until the CLI's cancel has arrived, so the race is lost after the cancel
    // was sent, however long the CLI takes to start on this machine.
    const clock = steppedClock(Date.now());
    await withEmulator({ auth: "oauth", now: clock.now }, async (emu) => {
      // Runs the CLI; once its cancel has arrived, moves the clock on by `ms`.
      const cancelThenAdvance = async (args: string[], ms: number) => {
        const before = await cancels(emu);
        return cli.runCliUntil(
          args,
          async () => (await cancels(emu)) > before,
          () => clock.advance(ms),
        );
      };
      await cli.setBehaviour(emu, { operationDurationMs: 1_200, cancelLatencyMs: 10_000, cancelLoseRate: 1 });
      const name = await cli.startExport(emu, "gs://bkt/x");
      const result = await cancelThenAdvance(["cancel", name, "--wait", "--json", ...cli.target(emu)], 2_000);
      assert.equal(result.code, 3, result.stderr);
      // The API's Operation, as gcloud prints it; the exit code says the cancel was lost.
      const report = JSON.parse(result.stdout);
      assert.equal(report.name, name);
      assert.equal(report.metadata.operationState, "SUCCESSFUL");
      assert.ok(report.response, "a successful operation's response");

      const second = await cli.startExport(emu, "gs://bkt/y");
      const text = await cancelThenAdvance(["cancel", second, "--wait", ...cli.target(emu)], 2_000);
      assert.equal(text.code, 3);
      assert.match(text.stdout, /completed despite the cancel \(SUCCESSFUL\)/);

      // Fails at half its duration, with the cancel not lost this time but too late.
      await cli.setBehaviour(emu, {
        cancelLoseRate: 0,
        failureRate: 1,
        operationDurationMs: 5_000,
        cancelLatencyMs: 10_000,
      });
      const failing = await cli.startExport(emu, "gs://bkt/z");
      const failed = await cancelThenAdvance(["cancel", failing, "--wait", ...cli.target(emu)], 3_000);
      assert.equal(failed.code, 3);
      assert.match(failed.stdout, /FAILED despite the cancel \(code 13: The operation failed/);
    });
  });

  test("UNIMPLEMENTED: a clear error, exit 1, and the operation goes on", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      await cli.setBehaviour(emu, { cancelUnimplemented: true });
      const name = await cli.startExport(emu, "gs://bkt/x");
      const result = await cli.runCli(["cancel", cli.shortOperationId(name), "--wait", ...cli.target(emu)]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /The server cannot cancel .*operations\/\S+ \(UNIMPLEMENTED\)/);
      assert.match(result.stderr, /It is PROCESSING now; "firestore-ops watch" follows it/);
      assert.equal(result.stdout, "");
      assert.equal((await cli.operation(emu, name)).metadata.operationState, "PROCESSING");
    });
  });

  test("without --wait: requested, exit 0; an operation already over is not cancelled again", async () => {
    await withEmulator(
      { auth: "oauth", behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 0 } },
      async (emu) => {
        const name = await cli.startExport(emu, "gs://bkt/x");
        const requested = await cli.runCli(["cancel", cli.shortOperationId(name), ...cli.target(emu)]);
        assert.equal(requested.code, 0, requested.stderr);
        assert.match(requested.stdout, /^Cancel requested for \S+ \(was PROCESSING\)\./);
        await cli.untilDone(emu, name);

        const again = await cli.runCli(["cancel", cli.shortOperationId(name), ...cli.target(emu)]);
        assert.equal(again.code, 0, "already CANCELLED is what was asked for");
        assert.match(again.stdout, /^Nothing to cancel: \S+ ended CANCELLED/);

        await cli.setBehaviour(emu, { operationDurationMs: 50 });
        const succeeded = await cli.startExport(emu, "gs://bkt/y");
        await cli.untilDone(emu, succeeded);
        const late = await cli.runCli(["cancel", cli.shortOperationId(succeeded), "--wait", ...cli.target(emu)]);
        assert.equal(late.code, 3, "it ended otherwise than cancelled");
        assert.match(late.stdout, /^Nothing to cancel: \S+ ended SUCCESSFUL/);
        assert.equal(await cancels(emu), 1, "only the first cancel was sent");
      },
    );
  });

  test("--wait --timeout: exit 4 with the last state when the cancel does not land in time", async () => {
    await withEmulator(
      { auth: "oauth", behaviour: { operationDurationMs: 60_000, cancelStuck: true } },
      async (emu) => {
        const name = await cli.startExport(emu, "gs://bkt/x");
        const result = await cli.runCli([
          "cancel",
          cli.shortOperationId(name),
          "--wait",
          "--timeout",
          "1s",
          ...cli.target(emu),
        ]);
        assert.equal(result.code, 4, result.stderr);
        assert.match(
          result.stderr,
          /Timed out after 1s waiting for the cancelled operation to end .* still CANCELLING\./,
        );
      },
    );
  });
});
