import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";

async function logSince(emu: TestEmulator, since: number): Promise<number[]> {
  const reply = await emu.control("GET", `requests?since=${since}`);
  assert.equal(reply.status, 200);
  return reply.json.requests.map((entry: { seq: number }) => entry.seq);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("request log", () => {
  test("holds the last N requests; since(seq) stays exact across evictions and clears", async () => {
    await withEmulator({ requestLogCapacity: 5 }, async (emu) => {
      for (let i = 0; i < 12; i++) assert.equal((await emu.call("GET", `/v1/${DB}/operations`)).status, 200);
      assert.deepEqual(await logSince(emu, 0), range(8, 12), "only the newest 5 are held, oldest first");
      assert.deepEqual(await logSince(emu, 3), range(8, 12), "a cursor older than the log gets everything held");
      assert.deepEqual(await logSince(emu, 9), range(10, 12));
      assert.deepEqual(await logSince(emu, 12), []);
      assert.deepEqual(await logSince(emu, 99), []);

      assert.equal((await emu.control("DELETE", "requests")).status, 200);
      assert.deepEqual(await logSince(emu, 0), []);
      for (let i = 0; i < 7; i++) await emu.call("GET", `/v1/${DB}/operations`);
      assert.deepEqual(await logSince(emu, 0), range(15, 19), "numbering goes on after a clear");
      assert.deepEqual(await logSince(emu, 16), range(17, 19));
    });
  });

  test("since must be a non-negative integer", async () => {
    await withEmulator({}, async (emu) => {
      for (const since of ["abc", "-1", "1.5"]) {
        const reply = await emu.control("GET", `requests?since=${since}`);
        assert.equal(reply.status, 400, since);
        assert.equal(reply.json.error.status, "INVALID_ARGUMENT");
        assert.match(reply.json.error.message, /since must be a non-negative integer/);
      }
    });
  });
});
