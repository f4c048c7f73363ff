import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { SeededRandom } from "../../emulator/seeded-random";
import { DB, sleep } from "../support/emulator-client";
import { spawnEmulator } from "../support/emulator-process";

const ROUNDS = 8;
const WORKERS = 4;
/** Small, so that kills also land during compactions (a snapshot and the emptying of the journal). */
const COMPACT_AFTER_BYTES = 3_000;

/** Every acknowledged operation, and whether a cancel of it was acknowledged. */
type Acknowledged = Map<string, { cancelled: boolean }>;

/** Workers that export and cancel back to back until the emulator dies under them. */
function traffic(
  url: string,
  acknowledged: Acknowledged,
  round: number,
): { done: Promise<void>; failures: () => number } {
  let failures = 0;
  const worker = async (w: number) => {
    for (let i = 0; ; i++) {
      try {
        const started = await fetch(`${url}/v1/${DB}:exportDocuments`, {
          method: "POST",
          body: JSON.stringify({ outputUriPrefix: `gs://bkt/r${round}-w${w}-${i}` }),
        });
        if (started.status !== 200) throw new Error(`export answered ${started.status}`);
        const { name } = (await started.json()) as { name: string };
        acknowledged.set(name, { cancelled: false });
        if (i % 2 === 0) {
          const cancel = await fetch(`${url}/v1/${name}:cancel`, { method: "POST" });
          if (cancel.status !== 200) throw new Error(`cancel answered ${cancel.status}`);
          await cancel.arrayBuffer();
          acknowledged.set(name, { cancelled: true });
        }
      } catch {
        // The process died with this request in flight: nothing was acknowledged, so nothing is owed.
        failures++;
        return;
      }
    }
  };
  return {
    done: Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w))).then(() => {}),
    failures: () => failures,
  };
}

/** The journal sequence number the snapshot includes: it grows when a compaction runs. */
function snapshotSeq(dataDir: string): number {
  return JSON.parse(fs.readFileSync(path.join(dataDir, "state.json"), "utf8")).journalSeq;
}

async function listAll(url: string): Promise<Map<string, { cancelRequested: boolean }>> {
  const response = await fetch(`${url}/emulator/v1/operations`);
  const { operations } = (await response.json()) as { operations: { name: string; cancelRequested: boolean }[] };
  return new Map(operations.map((op) => [op.name, op]));
}

test("kill -9 at random moments, restart, repeat: every acknowledged export and cancel is still there", async () => {
  const seed = Date.now() % 100_000;
  const random = new SeededRandom(seed);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-kill-loop-"));
  const args = [
    "--data-dir",
    dataDir,
    "--duration-ms",
    "3600000",
    "--compact-after-bytes",
    String(COMPACT_AFTER_BYTES),
  ];
  const acknowledged: Acknowledged = new Map();
  let interrupted = 0;
  let roundsWithCompaction = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const emulator = await spawnEmulator(args);
      try {
        // The restart is the check of the previous round: everything acknowledged before the kill must be there.
        const present = await listAll(emulator.url);
        for (const [name, { cancelled }] of acknowledged) {
          assert.ok(present.has(name), `seed ${seed}, round ${round}: ${name} was acknowledged, then lost`);
          if (cancelled) assert.ok(present.get(name)?.cancelRequested, `seed ${seed}: the cancel of ${name} was lost`);
        }
        const seqAtStart = snapshotSeq(dataDir);
        const load = traffic(emulator.url, acknowledged, round);
        await sleep(random.int(20, 300));
        if (snapshotSeq(dataDir) > seqAtStart) roundsWithCompaction++;
        await emulator.kill("SIGKILL");
        await load.done;
        interrupted += load.failures();
      } finally {
        await emulator.kill("SIGKILL");
      }
    }
    const final = await spawnEmulator(args);
    try {
      const present = await listAll(final.url);
      for (const [name, { cancelled }] of acknowledged) {
        assert.ok(present.has(name), `seed ${seed}: ${name} was acknowledged, then lost`);
        if (cancelled) assert.ok(present.get(name)?.cancelRequested, `seed ${seed}: the cancel of ${name} was lost`);
      }
    } finally {
      await final.kill();
    }
    // The setup took effect: traffic was acknowledged, kills cut requests off, and compactions happened.
    assert.ok(acknowledged.size >= ROUNDS, `seed ${seed}: only ${acknowledged.size} exports acknowledged`);
    assert.ok(interrupted >= ROUNDS, `seed ${seed}: only ${interrupted} requests were cut off by kills`);
    assert.ok(roundsWithCompaction > 0, `seed ${seed}: no compaction ran while requests were being answered`);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
