import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { patchBehaviour } from "../support/behaviour-patch";
import { DB, type TestEmulator, waitFor, withEmulator } from "../support/emulator-client";
import { steppedClock } from "../support/stepped-clock";

async function startExport(emu: TestEmulator, prefix = "gs://bkt/p"): Promise<string> {
  const reply = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: prefix });
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json.name;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
const getOperation = async (emu: TestEmulator, name: string): Promise<any> =>
  (await emu.call("GET", `/v1/${name}`)).json;

describe("behaviour knobs", () => {
  test("a cancel can lose the race: accepted, yet the operation ends SUCCESSFUL", async () => {
    const clock = steppedClock();
    await withEmulator(
      { now: clock.now, behaviour: { operationDurationMs: 400, cancelLatencyMs: 5_000, cancelLoseRate: 1 } },
      async (emu) => {
        const name = await startExport(emu);
        assert.equal((await emu.call("POST", `/v1/${name}:cancel`)).status, 200);
        assert.equal((await getOperation(emu, name)).metadata.operationState, "CANCELLING");
        clock.advance(399);
        assert.equal((await getOperation(emu, name)).done, undefined, "not over before its natural end");
        clock.advance(1);
        const op = await getOperation(emu, name);
        assert.equal(op.done, true);
        assert.equal(op.metadata.operationState, "SUCCESSFUL");
        assert.ok(op.response);
        assert.equal(Date.parse(op.metadata.endTime) - Date.parse(op.metadata.startTime), 400, "at its natural end");
      },
    );
  });

  test("a cancel slower than the work also loses, naturally", async () => {
    const clock = steppedClock();
    await withEmulator(
      { now: clock.now, behaviour: { operationDurationMs: 200, cancelLatencyMs: 10_000 } },
      async (emu) => {
        const name = await startExport(emu);
        assert.equal((await emu.call("POST", `/v1/${name}:cancel`)).status, 200);
        clock.advance(199);
        assert.equal((await getOperation(emu, name)).metadata.operationState, "CANCELLING");
        clock.advance(1);
        const op = await getOperation(emu, name);
        assert.equal(op.done, true);
        assert.equal(op.metadata.operationState, "SUCCESSFUL");
      },
    );
  });

  test("cancel answered UNIMPLEMENTED", async () => {
    await withEmulator({ behaviour: { cancelUnimplemented: true } }, async (emu) => {
      const name = await startExport(emu);
      const reply = await emu.call("POST", `/v1/${name}:cancel`);
      assert.equal(reply.status, 501);
      assert.equal(reply.json.error.status, "UNIMPLEMENTED");
      assert.equal((await emu.call("GET", `/v1/${name}`)).json.metadata.operationState, "PROCESSING");
    });
  });

  test("stuck in CANCELLING until released through the control API", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 200, cancelStuck: true } }, async (emu) => {
      const name = await startExport(emu);
      assert.equal((await emu.call("POST", `/v1/${name}:cancel`)).status, 200);
      clock.advance(400);
      const stuck = await getOperation(emu, name);
      assert.equal(stuck.metadata.operationState, "CANCELLING", "stuck past its natural end");
      assert.equal(stuck.done, undefined);
      assert.equal((await emu.control("POST", `${name}:finish`, { state: "CANCELLED" })).status, 200);
      const op = await getOperation(emu, name);
      assert.equal(op.done, true);
      assert.equal(op.error.code, 1);
    });
  });

  test("cancel on a finished operation: 200 no-op by default, FAILED_PRECONDITION when asked", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 50 } }, async (emu) => {
      const name = await startExport(emu);
      clock.advance(50);
      assert.equal((await getOperation(emu, name)).done, true);
      assert.equal((await emu.call("POST", `/v1/${name}:cancel`)).status, 200);
      assert.equal((await getOperation(emu, name)).metadata.operationState, "SUCCESSFUL");
      await patchBehaviour(emu, { cancelDoneBehaviour: "failed-precondition" });
      const refused = await emu.call("POST", `/v1/${name}:cancel`);
      assert.equal(refused.status, 400);
      assert.equal(refused.json.error.status, "FAILED_PRECONDITION");
    });
  });

  test("delete on a running operation: refused by default, hidden when asked (work continues)", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 300 } }, async (emu) => {
      const name = await startExport(emu, "gs://bkt/hidden");
      const refused = await emu.call("DELETE", `/v1/${name}`);
      assert.equal(refused.status, 400);
      assert.equal(refused.json.error.status, "FAILED_PRECONDITION");
      await patchBehaviour(emu, { deleteRunningBehaviour: "hide" });
      assert.equal((await emu.call("DELETE", `/v1/${name}`)).status, 200);
      assert.equal((await emu.call("GET", `/v1/${name}`)).status, 404);
      clock.advance(300);
      // No GET reaches a hidden operation: the emulator's tick (every 100 ms of real time) finishes its work.
      const objects = (
        await waitFor(
          () => emu.control("GET", "storage/bkt?prefix=hidden/"),
          (r) => r.json.objects.some((o: { name: string }) => o.name.endsWith(".overall_export_metadata")),
        )
      ).json.objects;
      assert.ok(
        objects.some((o: { name: string }) => o.name.endsWith(".overall_export_metadata")),
        "delete does not cancel",
      );
    });
  });

  test("failureRate ends operations FAILED with a non-CANCELLED code", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 100, failureRate: 1 } }, async (emu) => {
      const name = await startExport(emu);
      clock.advance(100);
      const op = await getOperation(emu, name);
      assert.equal(op.done, true);
      assert.equal(op.metadata.operationState, "FAILED");
      assert.equal(op.error.code, 13);
      assert.equal(op.response, undefined);
    });
  });

  test("finished operations are garbage-collected after the retention period", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 50, retentionMs: 200 } }, async (emu) => {
      const name = await startExport(emu);
      clock.advance(50);
      assert.equal((await getOperation(emu, name)).done, true);
      clock.advance(200);
      assert.equal((await emu.call("GET", `/v1/${name}`)).status, 200, "kept for the whole retention period");
      clock.advance(1);
      // The sweep runs on the emulator's tick (every 100 ms of real time), not on GET.
      await waitFor(
        () => emu.call("GET", `/v1/${name}`),
        (r) => r.status === 404,
      );
    });
  });

  test("limits: 50 concurrent and 20 per minute, as 429 RESOURCE_EXHAUSTED with Retry-After", async () => {
    await withEmulator({ behaviour: { limits: { enabled: true, concurrent: 3, perMinute: 5 } } }, async (emu) => {
      for (let i = 0; i < 3; i++) await startExport(emu);
      const tooMany = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/p" });
      assert.equal(tooMany.status, 429);
      assert.equal(tooMany.json.error.status, "RESOURCE_EXHAUSTED");
      assert.match(tooMany.json.error.message, /concurrent/);
      assert.ok(Number(tooMany.headers.get("retry-after")) > 0);
      await patchBehaviour(emu, { limits: { concurrent: 50 } });
      await startExport(emu);
      await startExport(emu);
      const perMinute = await emu.call("POST", `/v1/${DB}:importDocuments`, { inputUriPrefix: "gs://bkt/p" });
      assert.equal(perMinute.status, 429);
      assert.match(perMinute.json.error.message, /per minute/);
      const retryInfo = perMinute.json.error.details.find((d: { "@type": string }) => d["@type"].endsWith("RetryInfo"));
      assert.match(retryInfo.retryDelay, /^\d+s$/);
      assert.equal(
        (await emu.call("POST", `/v1/${DB}:bulkDeleteDocuments`, { collectionIds: ["users"] })).status,
        200,
        "bulk delete is not limited",
      );
    });
  });

  test("unknown or ill-typed knobs are refused by name", async () => {
    await withEmulator({}, async (emu) => {
      const typo = await emu.control("PATCH", "behaviour", { cancelLatencyMS: 5 });
      assert.equal(typo.status, 400);
      assert.match(typo.json.error.message, /unknown behaviour knob "cancelLatencyMS"/);
      const bad = await emu.control("PATCH", "behaviour", { faults: { rate: 2 } });
      assert.match(bad.json.error.message, /faults.rate must be a number between 0 and 1/);
    });
  });
});

describe("fault injection", () => {
  test("each fault kind behaves as named", async () => {
    await withEmulator({ behaviour: { operationDurationMs: 60_000 } }, async (emu) => {
      const name = await startExport(emu);
      const set = (kind: string) =>
        patchBehaviour(emu, {
          faults: { rate: 1, kinds: [kind], endpoints: ["operations.get"], slowMs: 300, retryAfterSeconds: 7 },
        });

      await set("429");
      const throttled = await emu.call("GET", `/v1/${name}`);
      assert.equal(throttled.status, 429);
      assert.equal(throttled.headers.get("retry-after"), "7");

      await set("503");
      assert.equal((await emu.call("GET", `/v1/${name}`)).json.error.status, "UNAVAILABLE");
      await set("500");
      assert.equal((await emu.call("GET", `/v1/${name}`)).json.error.status, "INTERNAL");

      await set("reset");
      await assert.rejects(emu.call("GET", `/v1/${name}`), /fetch failed/);

      await set("slow");
      // slowMs delays the real answer (a timer, not the emulator's clock): only the wall clock can show it.
      const started = Date.now();
      assert.equal((await emu.call("GET", `/v1/${name}`)).status, 200);
      assert.ok(Date.now() - started >= 290);

      assert.equal((await emu.call("POST", `/v1/${name}:cancel`)).status, 200, "other endpoints unaffected");
      const log = (await emu.control("GET", "requests")).json.requests;
      assert.deepEqual(
        log
          .filter((e: { fault?: string }) => e.fault)
          .map((e: { fault: string; status: number }) => [e.fault, e.status]),
        [
          ["429", 429],
          ["503", 503],
          ["500", 500],
          ["reset", 0],
          ["slow", 200],
        ],
      );
    });
  });

  test("commit-then-500 and commit-then-reset take effect before failing: the ambiguous POST", async () => {
    await withEmulator({}, async (emu) => {
      await patchBehaviour(emu, {
        faults: { rate: 1, kinds: ["commit-then-500"], endpoints: ["exportDocuments"] },
      });
      const reply = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/amb" });
      assert.equal(reply.status, 500);
      await patchBehaviour(emu, { faults: { kinds: ["commit-then-reset"] } });
      await assert.rejects(emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/amb2" }));
      const ops = (await emu.control("GET", "operations")).json.operations;
      assert.equal(ops.length, 2, "both requests created their operation");
      const log = (await emu.control("GET", "requests")).json.requests;
      assert.ok(
        log.every((e: { operation?: string }) => e.operation),
        "the log names the operation created",
      );
    });
  });

  test("a slow request whose client went away while it waited is not acted on", async () => {
    await withEmulator({}, async (emu) => {
      await patchBehaviour(emu, { faults: { rate: 1, kinds: ["slow"], endpoints: ["exportDocuments"], slowMs: 300 } });
      const abandoned = new AbortController();
      const call = fetch(`${emu.url}/v1/${DB}:exportDocuments`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ outputUriPrefix: "gs://bkt/abandoned" }),
        signal: abandoned.signal,
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      abandoned.abort();
      await assert.rejects(call);
      const [entry] = await waitFor(
        async () => (await emu.control("GET", "requests")).json.requests,
        (requests) => requests.length > 0,
      );
      assert.deepEqual([entry.endpoint, entry.fault, entry.status], ["exportDocuments", "slow", 0]);
      assert.deepEqual((await emu.control("GET", "operations")).json.operations, [], "nothing started");
    });
  });

  test("passFirst lets that many requests to the listed endpoints through, counted again after each faults patch", async () => {
    await withEmulator({ behaviour: { operationDurationMs: 60_000 } }, async (emu) => {
      const name = await startExport(emu);
      await patchBehaviour(emu, { faults: { rate: 1, kinds: ["429"], endpoints: ["operations.get"], passFirst: 2 } });
      const get = async () => (await emu.call("GET", `/v1/${name}`)).status;
      const first = [await get(), await get()];
      assert.equal(
        (await emu.call("GET", `/v1/${DB}/operations`)).status,
        200,
        "a request to an unlisted endpoint does not count",
      );
      assert.deepEqual([...first, await get(), await get()], [200, 200, 429, 429]);
      await patchBehaviour(emu, { faults: { passFirst: 1 } });
      assert.deepEqual([await get(), await get()], [200, 429], "a faults patch restarts the count");
    });
  });

  test("the same seed gives the same fault pattern", async () => {
    const pattern = async (seed: number) => {
      let out = "";
      await withEmulator({ seed, behaviour: { faults: { rate: 0.4, kinds: ["429", "500", "503"] } } }, async (emu) => {
        for (let i = 0; i < 40; i++) out += `${(await emu.call("GET", `/v1/${DB}/operations`)).status},`;
      });
      return out;
    };
    const first = await pattern(42);
    assert.equal(await pattern(42), first);
    assert.notEqual(await pattern(43), first);
    assert.match(first, /429|500|503/);
    assert.match(first, /200/);
  });
});
