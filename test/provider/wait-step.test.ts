/**
 * `waitFor: "done"`: the start step returns as soon as the operation is started (so its name is checkpointed),
 * and the wait step (provider/wait-provider.ts) waits until it is done.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InitializationFailure } from "../../provider/initialization-failure";
import { waitFor } from "../support/emulator-client";
import { type Harness, withProvider, withSteppedProvider } from "../support/provider-harness";

const URN = "urn:pulumi:test::proj::firestore-operations:index:FirestoreExport::nightly";

// biome-ignore lint/suspicious/noExplicitAny: outputs as the engine stores them.
type Created = { id: string; outs: any };

/** The wait step's inputs, as the component passes them from the start step's outputs. */
function waitInputs(start: Created, timeouts = start.outs.timeouts): Record<string, unknown> {
  return { operationName: start.outs.operationName, timeouts, resourceUrn: start.outs.resourceUrn };
}

async function startDone(h: Harness, news: Record<string, unknown> = {}): Promise<Created> {
  return h.up("export", { outputUriPrefix: "gs://bkt/done", waitFor: "done", resourceUrn: URN, ...news });
}

function initializationFailure(check: (error: InitializationFailure) => void): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof InitializationFailure, `expected an InitializationFailure, got ${String(error)}`);
    check(error);
    return true;
  };
}

describe('waitFor "done": the start step returns at once, the wait step waits', () => {
  // On a stepped clock that moves only while the client waits: the first poll always sees the export running.
  test("the start step returns the running operation without polling; the wait step polls to completion", async () => {
    await withSteppedProvider({ behaviour: { operationDurationMs: 600 } }, { fastForward: true }, async (h) => {
      const start = await startDone(h);
      assert.equal(start.outs.state, "PROCESSING", "the id reaches the state before anything waits");
      assert.equal(start.outs.done, false);
      assert.equal((await h.requests("operations.get")).length, 0, "the start step did not poll");

      const wait = await h.up("wait", waitInputs(start));
      assert.equal(wait.id, start.id);
      assert.equal(wait.outs.operationName, start.id);
      assert.equal(wait.outs.state, "SUCCESSFUL");
      assert.equal(wait.outs.done, true);
      assert.equal(wait.outs.progressPercent, 100);
      assert.ok(wait.outs.endTime);
      assert.equal(wait.outs.resourceUrn, URN);
      assert.ok((await h.requests("operations.get")).length >= 2, "it polled");
      assert.ok(h.messages.some((m) => m.text.startsWith("nightly: waiting for ") && /second Ctrl-C/.test(m.text)));
      assert.ok(h.messages.some((m) => m.text.startsWith("nightly: ") && m.text.includes("finished: SUCCESSFUL")));
      // The Ctrl-C hint belongs to the lines shown while it waits, not to the one saying it ended.
      const statuses = h.messages.filter((m) => m.level === "status");
      const waiting = statuses.filter((m) => m.text.includes("PROCESSING"));
      const ended = statuses.filter((m) => m.text.includes("SUCCESSFUL"));
      assert.ok(waiting.length > 0 && ended.length > 0, `progress lines: ${JSON.stringify(statuses)}`);
      for (const m of waiting) assert.match(m.text, /Ctrl-C cannot stop this wait/);
      for (const m of ended) assert.doesNotMatch(m.text, /Ctrl-C/);
    });
  });

  test("an operation that ends FAILED is an initialization failure carrying id, final outputs and the reason", async () => {
    await withProvider({ behaviour: { operationDurationMs: 200, failureRate: 1 } }, {}, async (h) => {
      const start = await startDone(h);
      await assert.rejects(
        h.up("wait", waitInputs(start)),
        initializationFailure((error) => {
          assert.equal(error.id, start.id);
          assert.equal(error.properties.operationName, start.id);
          assert.equal(error.properties.state, "FAILED");
          assert.equal(error.properties.done, true);
          assert.equal(error.properties.errorCode, 13);
          assert.match(error.reasons[0] ?? "", /ended FAILED \(code 13/);
          assert.match(error.reasons[0] ?? "", /the next "pulumi up" starts it again/);
        }),
      );
    });
  });

  test("a timeout keeps the running operation (initialization failure); the update after it waits again", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const start = await startDone(h, { timeouts: { create: "1s" } });
      let failed: InitializationFailure | undefined;
      await assert.rejects(
        h.up("wait", waitInputs(start)),
        initializationFailure((error) => {
          failed = error;
          assert.equal(error.id, start.id);
          assert.equal(error.properties.operationName, start.id);
          assert.match(
            error.reasons[0] ?? "",
            /Timed out after 1s waiting for the operation to finish.*still PROCESSING/,
          );
        }),
      );
      assert.equal((await h.admin("GET", `/v1/${start.id}`)).json.metadata.operationState, "PROCESSING");

      // The engine keeps the failed step and calls update on the next `pulumi up`: it waits again.
      await h.emu.control("POST", `${start.id}:finish`, { state: "SUCCESSFUL" });
      const getsBefore = (await h.requests("operations.get")).length;
      const updated = await h
        .provider("wait")
        .update(start.id, failed?.properties as never, waitInputs(start, { create: "1m", delete: "30m" }));
      assert.equal(updated.outs?.state, "SUCCESSFUL");
      assert.equal(updated.outs?.done, true);
      assert.deepEqual(updated.outs?.timeouts, { create: "1m", delete: "30m" }, "with the new inputs");
      assert.ok((await h.requests("operations.get")).length > getsBefore, "it read the operation again");
    });
  });

  test("the update of a wait that failed re-reports the failure, still as an initialization failure", async () => {
    await withProvider({ behaviour: { operationDurationMs: 100, failureRate: 1 } }, {}, async (h) => {
      const start = await startDone(h);
      let failed: InitializationFailure | undefined;
      await assert.rejects(
        h.up("wait", waitInputs(start)),
        initializationFailure((error) => {
          failed = error;
        }),
      );
      const getsBefore = (await h.requests("operations.get")).length;
      await assert.rejects(
        h.provider("wait").update(start.id, failed?.properties as never, waitInputs(start)),
        initializationFailure((error) => {
          assert.equal(error.id, start.id);
          assert.equal(error.properties.state, "FAILED");
          assert.match(error.reasons[0] ?? "", /ended FAILED/);
        }),
      );
      assert.equal((await h.requests("operations.get")).length, getsBefore + 1, "it read the operation again");
    });
  });

  for (const ending of ["FAILED", "CANCELLED"] as const) {
    test(`the start step's diff replaces an operation that ended ${ending} while its outputs say PROCESSING`, async () => {
      await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
        const start = await startDone(h);
        assert.equal(start.outs.state, "PROCESSING");
        await h.emu.control("POST", `${start.id}:finish`, {
          state: ending,
          ...(ending === "FAILED" ? { error: { code: 13, message: "boom" } } : {}),
        });
        const news = { ...start.outs };
        const getsBefore = (await h.requests("operations.get")).length;
        const diff = await h.provider("export").diff(start.id, start.outs, news);
        assert.deepEqual(diff, { changes: true, replaces: ["waitFor"], deleteBeforeReplace: true });
        assert.equal((await h.requests("operations.get")).length, getsBefore + 1, "it read the operation once");
      });
    });
  }

  test("the start step's diff keeps an operation that ended SUCCESSFUL or still runs; waitFor started never reads", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const running = await startDone(h);
      const succeeded = await startDone(h, { outputUriPrefix: "gs://bkt/ok" });
      await h.emu.control("POST", `${succeeded.id}:finish`, { state: "SUCCESSFUL" });
      for (const start of [running, succeeded]) {
        const diff = await h.provider("export").diff(start.id, start.outs, { ...start.outs });
        assert.deepEqual(diff, { changes: false, replaces: [], deleteBeforeReplace: true });
      }
      const started = await h.up("export", { outputUriPrefix: "gs://bkt/started" });
      await h.emu.control("POST", `${started.id}:finish`, { state: "FAILED", error: { code: 13, message: "x" } });
      const getsBefore = (await h.requests("operations.get")).length;
      const diff = await h.provider("export").diff(started.id, started.outs, { ...started.outs });
      assert.equal(diff.changes, false, 'waitFor "started" asked only for the start');
      assert.equal((await h.requests("operations.get")).length, getsBefore, "and nothing was read");
    });
  });

  test("deleting the wait step sends nothing (the start step cancels)", async () => {
    await withProvider({ behaviour: { operationDurationMs: 300 } }, {}, async (h) => {
      const start = await startDone(h);
      const wait = await h.up("wait", waitInputs(start));
      const before = (await h.log()).length;
      await h.provider("wait").delete(wait.id, wait.outs);
      assert.equal((await h.log()).length, before, "no request at all");
    });
  });

  test("a wait step whose operation is cancelled outside Pulumi while it waits fails, keeping the operation", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 0 } }, {}, async (h) => {
      const start = await startDone(h);
      const waiting = h.up("wait", waitInputs(start));
      await waitFor(
        () => h.requests("operations.get"),
        (gets) => gets.length >= 1,
      );
      await h.admin("POST", `/v1/${start.id}:cancel`);
      await assert.rejects(
        waiting,
        initializationFailure((error) => {
          assert.equal(error.id, start.id);
          assert.equal(error.properties.state, "CANCELLED");
          assert.match(error.reasons[0] ?? "", /ended CANCELLED/);
        }),
      );
    });
  });

  test("a refresh of the start step after the finished operation was garbage-collected keeps it (no second export)", async () => {
    await withProvider({ behaviour: { operationDurationMs: 100 } }, {}, async (h) => {
      const start = await startDone(h);
      const wait = await h.up("wait", waitInputs(start));
      assert.equal(wait.outs.state, "SUCCESSFUL");
      await h.emu.control("PATCH", "behaviour", { retentionMs: 0 });
      await waitFor(
        () => h.admin("GET", `/v1/${start.id}`),
        (r) => r.status === 404,
      );
      // What `pulumi refresh` does with the start step's stored outputs (as of the start).
      const refreshed = await h.provider("export").read(start.id, start.outs);
      assert.equal(refreshed.id, start.id, "the start step is kept: it ended SUCCESSFUL, as the wait step saw");
      assert.equal(refreshed.props?.done, true);
      const diff = await h.provider("export").diff(start.id, refreshed.props, { ...start.outs, waitFor: "done" });
      assert.deepEqual(diff.replaces, [], "and the next up does not start it again");
    });
  });
});
