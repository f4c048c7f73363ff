/**
 * Pathological inputs of the largest size the emulator accepts are answered without a stall: the old trailing-slash
 * regex took 22 s for a 120 KB prefix and would take about half an hour for 1 MiB. The emulator runs in a process
 * of its own, so that a stall cannot stop this test's own guard; the bound is on the CPU that process spent (Linux
 * /proc), with a generous hang guard on the request as well. These are guards against a stall, not speed targets.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { MAX_BODY_BYTES } from "../../emulator/http-io";
import { DB } from "../support/emulator-client";
import { type EmulatorProcess, spawnEmulator } from "../support/emulator-process";

/** CPU seconds a request may cost before it counts as a stall (the old code: minutes for these inputs). */
const STALL_CPU_SECONDS = 5;
const HANG_GUARD_MS = 60_000;

/** User plus system CPU seconds the process has used so far (clock ticks of /proc/PID/stat, 100 a second). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

describe("linear-time parsing", { skip: !fs.existsSync("/proc/self/stat") && "needs /proc" }, () => {
  let emulator: EmulatorProcess;
  before(async () => {
    emulator = await spawnEmulator([]);
  });
  after(async () => {
    await emulator.kill();
  });

  /** Sends one request; returns its status and the CPU the emulator spent on it. */
  async function costOf(path: string, init: RequestInit): Promise<{ status: number; cpu: number; text: string }> {
    const pid = emulator.child.pid as number;
    const cpuBefore = cpuSeconds(pid);
    const response = await fetch(`${emulator.url}${path}`, { ...init, signal: AbortSignal.timeout(HANG_GUARD_MS) });
    const text = await response.text();
    return { status: response.status, cpu: cpuSeconds(pid) - cpuBefore, text };
  }

  test("a 1 MiB export prefix of slashes that does not end in one is refused at once", async () => {
    const body = JSON.stringify({ outputUriPrefix: "gs://bkt/x" });
    const padding = MAX_BODY_BYTES - Buffer.byteLength(body) - 1;
    const prefix = `gs://bkt/${"/".repeat(padding)}x`;
    const payload = JSON.stringify({ outputUriPrefix: prefix });
    assert.ok(Buffer.byteLength(payload) <= MAX_BODY_BYTES, "the body is within the limit, so it is parsed");
    assert.ok(Buffer.byteLength(payload) > MAX_BODY_BYTES - 16, "and about 1 MiB");
    const { status, cpu, text } = await costOf(`/v1/${DB}:exportDocuments`, { method: "POST", body: payload });
    assert.equal(status, 400, text);
    assert.match(JSON.parse(text).error.message, /output_uri_prefix/);
    assert.ok(cpu < STALL_CPU_SECONDS, `the emulator spent ${cpu} s of CPU on one request`);
  });

  test("the same for an import prefix and for a bulk delete's collection ids", async () => {
    const prefix = `gs://bkt/${"/".repeat(MAX_BODY_BYTES - 64)}x`;
    const imported = await costOf(`/v1/${DB}:importDocuments`, {
      method: "POST",
      body: JSON.stringify({ inputUriPrefix: prefix }),
    });
    assert.equal(imported.status, 400, imported.text);
    assert.ok(imported.cpu < STALL_CPU_SECONDS, `import: ${imported.cpu} s of CPU`);
    const ids = `__${"_".repeat(MAX_BODY_BYTES - 64)}x`;
    const deleted = await costOf(`/v1/${DB}:bulkDeleteDocuments`, {
      method: "POST",
      body: JSON.stringify({ collectionIds: [ids] }),
    });
    assert.equal(deleted.status, 400, deleted.text);
    assert.ok(deleted.cpu < STALL_CPU_SECONDS, `bulk delete: ${deleted.cpu} s of CPU`);
  });

  test("a body over the limit is answered 413 without being parsed", async () => {
    const payload = JSON.stringify({ outputUriPrefix: `gs://bkt/${"/".repeat(4 * MAX_BODY_BYTES)}x` });
    const { status, cpu, text } = await costOf(`/v1/${DB}:exportDocuments`, { method: "POST", body: payload });
    assert.equal(status, 413, text);
    assert.match(JSON.parse(text).error.message, /payload size exceeds the limit: 1048576 bytes/);
    assert.ok(cpu < STALL_CPU_SECONDS, `the emulator spent ${cpu} s of CPU on one request`);
  });

  test("filters and field masks as long as a request line may be", async () => {
    // Node's server takes at most 16 KiB of headers, request line included.
    const filter = `${"(".repeat(60)}done=true${")".repeat(60)} AND ${Array.from({ length: 300 }, () => "metadata.collectionIds=u").join(" AND ")}`;
    const listed = await costOf(`/v1/${DB}/operations?filter=${encodeURIComponent(filter)}`, { method: "GET" });
    assert.equal(listed.status, 200, listed.text);
    assert.ok(listed.cpu < STALL_CPU_SECONDS, `filter: ${listed.cpu} s of CPU`);
    const mask = Array.from({ length: 2000 }, () => "name").join(",");
    const masked = await costOf(`/v1/${DB}/operations?fields=${mask}`, { method: "GET" });
    assert.equal(masked.status, 200, masked.text);
    const deep = `${"a(".repeat(1500)}b${")".repeat(1500)}`;
    const refused = await costOf(`/v1/${DB}/operations?fields=${encodeURIComponent(deep)}`, { method: "GET" });
    assert.equal(refused.status, 400, refused.text);
    assert.match(JSON.parse(refused.text).error.message, /nest deeper than 32/);
  });
});
