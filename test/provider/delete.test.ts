import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { waitFor } from "../support/emulator-client";
import { withProvider, withSteppedProvider } from "../support/provider-harness";

describe("delete: cancel, then wait until it is really over", () => {
  test("a running export is cancelled and awaited: CANCELLED when delete returns", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 400 } }, {}, async (h) => {
      const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
      await h.provider("export").delete(id, outs);
      const op = (await h.admin("GET", `/v1/${id}`)).json;
      assert.equal(op.metadata.operationState, "CANCELLED", "over by the time delete returned");
      assert.equal(op.error.code, 1);
      const cancels = await h.requests("operations.cancel");
      assert.equal(cancels.length, 1);
    });
  });

  test("a cancel that lands at once is seen by the read right after it: one cancel, one GET", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 0 } }, {}, async (h) => {
      const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
      const getsBefore = (await h.requests("operations.get")).length;
      await h.provider("export").delete(id, outs);
      assert.equal((await h.requests("operations.cancel")).length, 1);
      assert.equal((await h.requests("operations.get")).length - getsBefore, 1);
      assert.equal((await h.admin("GET", `/v1/${id}`)).json.metadata.operationState, "CANCELLED");
    });
  });

  test("done as the state last saw it: nothing to cancel, no request at all", async () => {
    await withProvider({ behaviour: { operationDurationMs: 100 } }, {}, async (h) => {
      const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x", waitFor: "done" });
      await h.up("wait", { operationName: id, timeouts: outs.timeouts });
      // The start step's outputs are as of the start; the refresh that saw the operation end stores done.
      const refreshed = (await h.provider("export").read(id, outs)).props;
      assert.equal(refreshed?.done, true);
      const before = (await h.log()).length;
      await h.provider("export").delete(id, refreshed as never);
      assert.equal((await h.log()).length, before, "nothing was sent");
      // What a destroy of a finished export leaves, as for a cancelled one: its files.
      const said = h.messages.find((m) => m.text.includes("already ended SUCCESSFUL"));
      assert.match(
        said?.text ?? "(no such message)",
        /nothing to cancel\. Its files under gs:\/\/bkt\/x stay in the bucket: destroy deletes no data/,
      );
    });
  });

  for (const cancelDoneBehaviour of ["ok", "failed-precondition"] as const) {
    test(`ended since the state last saw it (cancel on done: ${cancelDoneBehaviour}): nothing was lost`, async () => {
      await withSteppedProvider(
        { behaviour: { operationDurationMs: 50, cancelDoneBehaviour } },
        { fastForward: false },
        async (h, clock) => {
          const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x", onCancelLost: "fail" });
          assert.equal(outs.done, false);
          // Ended a second before the cancel, on the server's clock (its Date header has whole seconds).
          clock.advance(1_100);
          await h.provider("export").delete(id, outs);
          assert.equal((await h.admin("GET", `/v1/${id}`)).json.metadata.operationState, "SUCCESSFUL");
          assert.ok(
            h.messages.some((m) =>
              /already ended SUCCESSFUL; .*Its files under gs:\/\/bkt\/x\S* stay in the bucket/.test(m.text),
            ),
            `the files that stay are named: ${JSON.stringify(h.messages)}`,
          );
          assert.deepEqual(clock.slept, [], "nothing waited: the cancel found it over");
        },
      );
    });
  }

  test("404 NOT_FOUND from the API (the operation was deleted while it ran): already gone, no error", async () => {
    await withProvider(
      { behaviour: { operationDurationMs: 60_000, deleteRunningBehaviour: "hide" } },
      {},
      async (h) => {
        const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
        await h.admin("DELETE", `/v1/${id}`);
        await h.provider("export").delete(id, outs);
        assert.deepEqual(await h.statuses("operations.cancel"), [404], "the cancel found nothing to cancel");
        assert.deepEqual(
          await h.statuses("databases.get"),
          [200],
          "and the server holds the database: proof that it is gone (see operation-gone.test.ts for other 404s)",
        );
      },
    );
  });

  test('cancel lost to a race: "warn" succeeds, "fail" throws and keeps the resource', async () => {
    await withSteppedProvider(
      { behaviour: { operationDurationMs: 500, cancelLatencyMs: 10_000, cancelLoseRate: 1 } },
      { fastForward: true },
      async (h, clock) => {
        const warn = await h.up("export", { outputUriPrefix: "gs://bkt/a" });
        await h.provider("export").delete(warn.id, warn.outs);
        assert.equal((await h.admin("GET", `/v1/${warn.id}`)).json.metadata.operationState, "SUCCESSFUL");

        const fail = await h.up("export", { outputUriPrefix: "gs://bkt/b", onCancelLost: "fail" });
        await assert.rejects(h.provider("export").delete(fail.id, fail.outs), (error: Error) => {
          assert.equal(error.name, "CancelLostError");
          assert.match(error.message, /completed despite the cancel \(SUCCESSFUL\)/);
          return true;
        });
        // The next destroy finds it ended before its cancel, and removes it. "Before" is judged on the server's
        // clock, whose Date header has whole seconds: a second after the end, any cancel is after it.
        clock.advance(1_000);
        await h.provider("export").delete(fail.id, fail.outs);
        assert.match(h.messages.at(-1)?.text ?? "", /already ended SUCCESSFUL; nothing to cancel/);
      },
    );
  });

  test("stuck in CANCELLING: our timeout fails with the last state; the next delete resumes", async () => {
    await withSteppedProvider(
      { behaviour: { operationDurationMs: 60_000, cancelStuck: true } },
      { fastForward: true },
      async (h, clock) => {
        const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x", timeouts: { delete: "2s" } });
        await assert.rejects(h.provider("export").delete(id, outs), (error: Error & { lastState?: string }) => {
          assert.equal(error.name, "OperationTimeoutError");
          assert.equal(error.lastState, "CANCELLING");
          assert.match(error.message, /Timed out after 2s .* still CANCELLING/);
          assert.match(error.message, /run the same command again/);
          return true;
        });
        assert.ok(clock.slept.length > 1, `it polled until the deadline passed on its clock: ${clock.slept}`);
        // The next delete waits again; the operation ends while it does.
        clock.fastForward = false;
        const resumed = h.provider("export").delete(id, outs);
        await clock.sleeping();
        await h.emu.control("POST", `${id}:finish`, { state: "CANCELLED" });
        clock.advance(clock.pending()[0] ?? 0);
        await resumed;
        assert.equal((await h.admin("GET", `/v1/${id}`)).json.metadata.operationState, "CANCELLED");
      },
    );
  });

  test("UNIMPLEMENTED: a clear error that says what the user can do", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000, cancelUnimplemented: true } }, {}, async (h) => {
      const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
      await assert.rejects(h.provider("export").delete(id, outs), (error: Error) => {
        assert.equal(error.name, "CancelUnimplementedError");
        assert.match(error.message, /cannot cancel .* \(UNIMPLEMENTED\)/);
        assert.match(error.message, /retainOnDelete: true/);
        return true;
      });
    });
  });

  test("transient faults on get and cancel (429 with Retry-After, 500, 503, resets) are retried", async () => {
    await withProvider({ seed: 7, behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 300 } }, {}, async (h) => {
      const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
      await h.emu.control("PATCH", "behaviour", {
        faults: {
          rate: 0.4,
          kinds: ["429", "500", "503", "reset"],
          endpoints: ["operations.get", "operations.cancel"],
          retryAfterSeconds: 0,
        },
      });
      await h.provider("export").delete(id, outs);
      const faulted = [...(await h.requests("operations.get")), ...(await h.requests("operations.cancel"))].filter(
        (r) => r.fault,
      );
      assert.ok(faulted.length > 0, "faults were injected");
      await h.emu.control("PATCH", "behaviour", { faults: { rate: 0 } });
      assert.equal((await h.admin("GET", `/v1/${id}`)).json.metadata.operationState, "CANCELLED");
    });
  });
});

describe("read (refresh)", () => {
  test("shows live state and progress, and drift (cancelled outside Pulumi)", async () => {
    await withSteppedProvider(
      { behaviour: { operationDurationMs: 3_000, cancelLatencyMs: 0 } },
      { fastForward: false },
      async (h, clock) => {
        const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
        clock.advance(400);
        const read = await h.provider("export").read(id, outs);
        assert.equal(read.id, id);
        assert.ok((read.props?.documentsCompleted ?? 0) > 0, "progress moved");
        assert.equal(read.inputs?.outputUriPrefix, "gs://bkt/x", "inputs are returned so refresh invents no diff");
        await h.admin("POST", `/v1/${id}:cancel`);
        await waitFor(
          () => h.admin("GET", `/v1/${id}`),
          (r) => r.json.done === true,
        );
        const drifted = await h.provider("export").read(id, outs);
        assert.equal(drifted.props?.state, "CANCELLED");
        assert.equal(drifted.props?.errorCode, 1);
      },
    );
  });

  test("an unfinished operation that no longer exists is kept as ended; a finished one keeps its last known outcome", async () => {
    await withProvider(
      { behaviour: { operationDurationMs: 60_000, deleteRunningBehaviour: "hide" } },
      {},
      async (h) => {
        const running = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
        await h.admin("DELETE", `/v1/${running.id}`);
        const vanished = await h.provider("export").read(running.id, running.outs);
        assert.deepEqual([vanished.id, vanished.props?.done], [running.id, true]);

        await h.emu.control("PATCH", "behaviour", { operationDurationMs: 50, retentionMs: 300 });
        const started = await h.up("export", { outputUriPrefix: "gs://bkt/y", waitFor: "done" });
        const finished = await h.up("wait", { operationName: started.id, timeouts: started.outs.timeouts });
        await waitFor(
          () => h.admin("GET", `/v1/${finished.id}`),
          (r) => r.status === 404,
        );
        // The wait step stored the outcome (done is final: refresh asks nothing).
        const kept = await h.provider("wait").read(finished.id, finished.outs);
        assert.equal(kept.id, finished.id, "garbage-collected: kept, so the next up starts no new export");
        assert.equal(kept.props?.state, "SUCCESSFUL");
      },
    );
  });
});

describe("diff and update", () => {
  const base = {
    database: "projects/demo-project/databases/(default)",
    outputUriPrefix: "gs://bkt/x",
    waitFor: "started",
    timeouts: { create: "2h", delete: "30m" },
    onCancelLost: "warn",
    __provider: "old",
  };

  test("any operation input replaces, old deleted first; settings and __provider never replace", async () => {
    await withProvider({}, {}, async (h) => {
      const p = h.provider("export");
      const olds = { ...base, state: "PROCESSING", done: false } as never;
      assert.deepEqual(await p.diff("id", olds, { ...base, outputUriPrefix: "gs://bkt/y" }), {
        changes: true,
        replaces: ["outputUriPrefix"],
        deleteBeforeReplace: true,
      });
      assert.deepEqual((await p.diff("id", olds, { ...base, collectionIds: ["users"] })).replaces, ["collectionIds"]);
      assert.deepEqual(await p.diff("id", olds, { ...base, __provider: "new" }), {
        changes: false,
        replaces: [],
        deleteBeforeReplace: true,
      });
      assert.deepEqual(await p.diff("id", olds, { ...base, timeouts: { create: "2h", delete: "1h" } }), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: true,
      });
      assert.deepEqual((await p.diff("id", olds, { ...base, onCancelLost: "fail" })).replaces, []);
    });
  });

  test("a waited-for operation that ended badly is started again (replace) on the next update", async () => {
    await withProvider({}, {}, async (h) => {
      const olds = { ...base, waitFor: "done", state: "FAILED", done: true } as never;
      assert.deepEqual((await h.provider("export").diff("id", olds, { ...base, waitFor: "done" })).replaces, [
        "waitFor",
      ]);
    });
  });

  test("a created resource diffed against the same inputs has no changes (outputs are not inputs)", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      for (const [kind, news] of [
        ["export", { outputUriPrefix: "gs://bkt/x", collectionIds: ["users"] }],
        ["import", { inputUriPrefix: "gs://bkt/x" }],
        ["bulkDelete", { collectionIds: ["users"] }],
      ] as const) {
        const { id, outs } = await h.up(kind, news);
        const checked = await h.provider(kind).check(outs, news);
        assert.deepEqual(
          await h.provider(kind).diff(id, outs, checked.inputs as never),
          { changes: false, replaces: [], deleteBeforeReplace: true },
          kind,
        );
      }
      const adopted = await h.up("adopted", {
        operationName: (await h.up("export", { outputUriPrefix: "gs://bkt/y" })).id,
      });
      const checked = await h.provider("adopted").check(adopted.outs, { operationName: adopted.id });
      assert.equal(
        (await h.provider("adopted").diff(adopted.id, adopted.outs, checked.inputs as never)).changes,
        false,
      );
    });
  });

  test("update keeps every output and takes the new settings", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
      const updated = await h.provider("export").update?.(id, outs, { ...outs, onCancelLost: "fail" });
      assert.equal(updated?.outs?.onCancelLost, "fail");
      assert.equal(updated?.outs?.operationName, id);
      assert.equal(updated?.outs?.resolvedOutputUriPrefix, outs.resolvedOutputUriPrefix);
    });
  });
});
