import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MESSY_PROFILE_PATCH } from "../../emulator/behaviour";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";
import { spawnEmulator } from "../support/emulator-process";
import { steppedClock } from "../support/stepped-clock";

const PROJECT = "projects/demo-project";
const BACKUP = `${PROJECT}/locations/nam5/backups/daily`;

/** The duration the emulator gave an operation (the control API's record of it). */
async function durationOf(emu: TestEmulator, name: string): Promise<number> {
  const records = (await emu.control("GET", "operations")).json.operations as { name: string; durationMs: number }[];
  const record = records.find((r) => r.name === name);
  assert.ok(record, `${name} is recorded`);
  return record.durationMs;
}

async function started(emu: TestEmulator, method: string, path: string, body: unknown) {
  const reply = await emu.call(method, path, body);
  assert.equal(reply.status, 200, `${path}: ${JSON.stringify(reply.json)}`);
  return reply.json;
}

describe("progress as Google gives it", () => {
  for (const profile of ["tidy", "messy"] as const) {
    test(`${profile}: no start reply carries progress, whatever the operation`, async () => {
      const clock = steppedClock();
      await withEmulator(
        {
          now: clock.now,
          backups: [{ name: BACKUP, database: DB }],
          behaviour: { operationDurationMs: 60_000, profile },
        },
        async (emu) => {
          const exported = await started(emu, "POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/e" });
          clock.advance(60_000);
          const replies = [
            exported,
            await started(emu, "POST", `/v1/${DB}:importDocuments`, {
              inputUriPrefix: exported.metadata.outputUriPrefix,
            }),
            await started(emu, "POST", `/v1/${DB}:bulkDeleteDocuments`, { collectionIds: ["users"] }),
            await started(emu, "POST", `/v1/${DB}/collectionGroups/users/indexes`, {
              fields: [
                { fieldPath: "a", order: "ASCENDING" },
                { fieldPath: "b", order: "DESCENDING" },
              ],
            }),
            await started(emu, "PATCH", `/v1/${DB}/collectionGroups/users/fields/expiresAt?updateMask=ttlConfig`, {
              ttlConfig: {},
            }),
            await started(emu, "POST", `/v1/${PROJECT}/databases:restore`, { databaseId: "restored", backup: BACKUP }),
          ];
          assert.equal(
            replies[1].metadata.operationState ?? replies[1].metadata.state,
            profile === "tidy" ? "PROCESSING" : "INITIALIZING",
          );
          for (const reply of replies) {
            const type = reply.metadata["@type"];
            for (const field of ["progressDocuments", "progressBytes", "progressPercentage"]) {
              assert.equal(reply.metadata[field], undefined, `${type}: no ${field} in the start reply`);
            }
          }
          // The same operations, well into their run, do report progress: the absence above is the start's.
          clock.advance(30_000);
          for (const reply of replies) {
            const later = (await emu.call("GET", `/v1/${reply.name}`)).json.metadata;
            assert.ok(
              later.progressDocuments || later.progressPercentage,
              `${later["@type"]}: progress halfway: ${JSON.stringify(later)}`,
            );
          }
        },
      );
    });
  }

  test("with a work rate, an export lasts longer the more it exports; without one, the duration alone", async () => {
    const clock = steppedClock();
    await withEmulator(
      {
        now: clock.now,
        collections: { small: 1_000, large: 100_000 },
        behaviour: { operationDurationMs: 1_000, workRate: { documentsPerSecond: 1_000, bytesPerSecond: 0 } },
      },
      async (emu) => {
        const small = await started(emu, "POST", `/v1/${DB}:exportDocuments`, {
          outputUriPrefix: "gs://bkt/small",
          collectionIds: ["small"],
        });
        const large = await started(emu, "POST", `/v1/${DB}:exportDocuments`, {
          outputUriPrefix: "gs://bkt/large",
          collectionIds: ["large"],
        });
        // Tidy: no randomness, the base plus the documents at 1,000 a second.
        assert.equal(await durationOf(emu, small.name), 1_000 + 1_000);
        assert.equal(await durationOf(emu, large.name), 1_000 + 100_000);
        clock.advance(2_000);
        assert.equal((await emu.call("GET", `/v1/${small.name}`)).json.done, true);
        assert.equal((await emu.call("GET", `/v1/${large.name}`)).json.done, undefined, "the large one runs on");

        await emu.control("PATCH", "behaviour", { workRate: { documentsPerSecond: 0 } });
        const unrated = await started(emu, "POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/u" });
        assert.equal(await durationOf(emu, unrated.name), 1_000);
        const refused = await emu.control("PATCH", "behaviour", { workRate: { documentsPerHour: 1 } });
        assert.equal(refused.status, 400);
        assert.match(refused.json.error.message, /workRate key/);
      },
    );
  });

  test("the flags --documents-per-second and --bytes-per-second set the work rate", async () => {
    const emu = await spawnEmulator([
      "--collections",
      "users=2000",
      "--duration-ms",
      "1000",
      "--documents-per-second",
      "1000",
      "--bytes-per-second",
      "0",
    ]);
    try {
      const behaviour = (await (await fetch(`${emu.url}/emulator/v1/behaviour`)).json()) as {
        workRate: { documentsPerSecond: number; bytesPerSecond: number };
      };
      assert.deepEqual(behaviour.workRate, { documentsPerSecond: 1_000, bytesPerSecond: 0 });
      const started = await fetch(`${emu.url}/v1/${DB}:exportDocuments`, {
        method: "POST",
        body: JSON.stringify({ outputUriPrefix: "gs://bkt/flags" }),
      });
      assert.equal(started.status, 200);
      const records = (await (await fetch(`${emu.url}/emulator/v1/operations`)).json()) as {
        operations: { durationMs: number }[];
      };
      assert.equal(records.operations[0]?.durationMs, 1_000 + 2_000);
    } finally {
      await emu.kill("SIGTERM");
    }
  });

  test("messy (the realistic profile): bytes count too, and each operation draws its own pace from the seed", async () => {
    const durations = async (seed: number): Promise<number[]> => {
      const clock = steppedClock();
      const out: number[] = [];
      await withEmulator(
        { seed, now: clock.now, behaviour: { ...MESSY_PROFILE_PATCH, operationDurationMs: 0 } },
        async (emu) => {
          for (const prefix of ["gs://bkt/1", "gs://bkt/2", "gs://bkt/3"]) {
            const op = await started(emu, "POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: prefix });
            out.push(await durationOf(emu, op.name));
          }
        },
      );
      return out;
    };
    const rate = MESSY_PROFILE_PATCH.workRate;
    assert.ok(rate?.documentsPerSecond && rate.bytesPerSecond, "the messy profile sets a work rate");
    const first = await durations(5);
    // 26,200 documents of the seeded sizes: the documents alone take 1.31 s at 20,000 a second; bytes add more.
    const documentsMs = (26_200 / rate.documentsPerSecond) * 1000;
    for (const ms of first) assert.ok(ms > documentsMs * 0.7 && ms < documentsMs * 10, `${ms} ms`);
    assert.ok(new Set(first).size > 1, `each operation its own pace: ${first}`);
    assert.deepEqual(await durations(5), first, "reproducible from the seed");
  });
});

describe("export/import limits per project", () => {
  test("a project at its limit does not refuse another project's export; its own is refused with the retry hints", async () => {
    await withEmulator(
      {
        databases: [DB, "projects/other-project/databases/(default)"],
        behaviour: { limits: { enabled: true, perMinute: 2, concurrent: 50 } },
      },
      async (emu) => {
        const exportIn = (database: string, prefix: string) =>
          emu.call("POST", `/v1/${database}:exportDocuments`, { outputUriPrefix: prefix });
        assert.equal((await exportIn(DB, "gs://bkt/1")).status, 200);
        assert.equal((await exportIn(DB, "gs://bkt/2")).status, 200);
        const refused = await exportIn(DB, "gs://bkt/3");
        assert.equal(refused.status, 429, "demo-project is at its 2 a minute");
        assert.ok(refused.headers.get("retry-after"));
        const other = "projects/other-project/databases/(default)";
        assert.equal((await exportIn(other, "gs://bkt/4")).status, 200, "other-project has its own limit");
        assert.equal((await exportIn(other, "gs://bkt/5")).status, 200);
        const otherRefused = await exportIn(other, "gs://bkt/6");
        assert.equal(otherRefused.status, 429);
        const info = otherRefused.json.error.details.find((d: { "@type": string }) => d["@type"].endsWith("ErrorInfo"));
        assert.equal(info.metadata.consumer, "projects/other-project");
      },
    );
  });

  test("the concurrent limit counts the project's own running exports and imports only", async () => {
    await withEmulator(
      {
        databases: [DB, "projects/other-project/databases/(default)"],
        behaviour: { operationDurationMs: 60_000, limits: { enabled: true, perMinute: 100, concurrent: 1 } },
      },
      async (emu) => {
        const exportIn = (database: string, prefix: string) =>
          emu.call("POST", `/v1/${database}:exportDocuments`, { outputUriPrefix: prefix });
        assert.equal((await exportIn(DB, "gs://bkt/1")).status, 200);
        const refused = await exportIn(DB, "gs://bkt/2");
        assert.equal(refused.status, 429);
        assert.match(refused.json.error.message, /concurrent/);
        assert.equal((await exportIn("projects/other-project/databases/(default)", "gs://bkt/3")).status, 200);
      },
    );
  });
});
