import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { patchBehaviour } from "../support/behaviour-patch";
import { DB, withEmulator } from "../support/emulator-client";
import { overAfter, steppedClock } from "../support/stepped-clock";

describe("operations.list", () => {
  test("filters, the documented default, and pagination", async () => {
    const clock = steppedClock();
    await withEmulator({ now: clock.now, behaviour: { operationDurationMs: 60_000 } }, async (emu) => {
      const start = async (body: object) => (await emu.call("POST", `/v1/${DB}:exportDocuments`, body)).json.name;
      await patchBehaviour(emu, { operationDurationMs: 50 });
      const succeeded = await start({ outputUriPrefix: "gs://bkt/a", collectionIds: ["users"] });
      await overAfter(emu, clock, succeeded, 50);
      await patchBehaviour(emu, { operationDurationMs: 60_000 });
      const running = await start({ outputUriPrefix: "gs://bkt/b", collectionIds: ["orders"] });
      const cancelled = await start({ outputUriPrefix: "gs://bkt/c" });
      await patchBehaviour(emu, { cancelLatencyMs: 0 });
      assert.equal((await emu.call("POST", `/v1/${cancelled}:cancel`)).status, 200);
      await overAfter(emu, clock, cancelled, 0);

      const names = async (query: string) =>
        ((await emu.call("GET", `/v1/${DB}/operations${query}`)).json.operations ?? [])
          .map((o: { name: string }) => o.name)
          .sort();
      assert.deepEqual(
        await names(""),
        [running, cancelled].sort(),
        "successful operations hidden without a done filter",
      );
      assert.deepEqual(await names("?filter=done%3Dtrue"), [succeeded, cancelled].sort());
      assert.deepEqual(
        await names("?filter=done%3A%20true"),
        [succeeded, cancelled].sort(),
        "`done: true` as gcloud documents",
      );
      assert.deepEqual(await names("?filter=done%3Dfalse"), [running]);
      assert.deepEqual(await names(`?filter=${encodeURIComponent("metadata.operationState=SUCCESSFUL")}`), [succeeded]);
      assert.deepEqual(await names(`?filter=${encodeURIComponent("metadata.collectionIds=orders")}`), [running]);
      assert.deepEqual(
        await names(`?filter=${encodeURIComponent('done=true AND metadata.outputUriPrefix="gs://bkt/c"')}`),
        [cancelled],
      );
      assert.deepEqual(await names(`?filter=${encodeURIComponent("done=true metadata.operationState=CANCELLED")}`), [
        cancelled,
      ]);

      await patchBehaviour(emu, { listHidesSuccessful: false });
      assert.equal((await names("")).length, 3, "the knob shows everything");

      const first = (await emu.call("GET", `/v1/${DB}/operations?pageSize=2`)).json;
      assert.equal(first.operations.length, 2);
      assert.ok(first.nextPageToken);
      const second = (await emu.call("GET", `/v1/${DB}/operations?pageSize=2&pageToken=${first.nextPageToken}`)).json;
      assert.equal(second.operations.length, 1);
      assert.equal(second.nextPageToken, undefined, "no token on the last page");
      const mismatched = await emu.call(
        "GET",
        `/v1/${DB}/operations?pageSize=2&filter=done%3Dtrue&pageToken=${first.nextPageToken}`,
      );
      assert.equal(mismatched.status, 400, "a page token is bound to its filter");
    });
  });

  test("bad filters name the problem", async () => {
    await withEmulator({}, async (emu) => {
      for (const [filter, message] of [
        ["name=foo", /unsupported field "name"/],
        ["done=maybe", /done must be true or false/],
        ["done=true OR done=false", /unsupported field "OR"|Invalid filter/],
        ["===", /Invalid filter/],
      ] as const) {
        const reply = await emu.call("GET", `/v1/${DB}/operations?filter=${encodeURIComponent(filter)}`);
        assert.equal(reply.status, 400, filter);
        assert.match(reply.json.error.message, message);
      }
      assert.equal((await emu.call("GET", `/v1/${DB}/operations?pageSize=-1`)).status, 400);
    });
  });
});
