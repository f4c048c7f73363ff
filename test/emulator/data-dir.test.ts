import assert from "node:assert/strict";
// The module object itself (not a namespace copy of it), so that mocking a function reaches the emulator's calls.
import nodeFs, * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, mock, test } from "node:test";
import { Emulator, StateLoadError } from "../../emulator/index";
import { DB, type HttpReply, sleep, waitFor, withEmulator } from "../support/emulator-client";
import { spawnEmulator } from "../support/emulator-process";
import { overAfter, steppedClock } from "../support/stepped-clock";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "emu-datadir-"));
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;

/** An export record as data dirs of the first release (state.json version 1) hold it. */
function exportRecord(id: string, outputUriPrefix: string, fields: Record<string, unknown> = {}) {
  return {
    id,
    database: DB,
    kind: "export",
    createdMs: Date.now() - 10_000,
    durationMs: 600_000,
    request: { collectionIds: ["users"], namespaceIds: [], outputUriPrefix },
    totals: { users: { documents: 100, bytesPerDocument: 200 } },
    outcome: { kind: "success" },
    applied: {},
    chunksWritten: 0,
    ...fields,
  };
}

/** A version 1 state.json, world-readable in a world-readable folder, as the first release wrote it. */
function writeVersion1State(dataDir: string, operations: unknown[]): void {
  const state = {
    version: 1,
    databases: [
      { name: DB, collections: { users: { documents: 100, bytesPerDocument: 200 } }, pointInTimeRecovery: false },
    ],
    operations,
    auth: { tokenSecret: "s3cret-from-the-first-release", keys: [] },
  };
  fs.writeFileSync(path.join(dataDir, "state.json"), JSON.stringify(state), { mode: 0o644 });
  fs.chmodSync(path.join(dataDir, "state.json"), 0o644);
  fs.chmodSync(dataDir, 0o755);
}

async function getOperation(url: string, name: string) {
  const response = await fetch(`${url}/v1/${name}`);
  return { status: response.status, json: (await response.json()) as HttpReply["json"] };
}

describe("--data-dir: snapshot, journal, older data dirs", () => {
  test("an older data dir (state.json version 1, a storage/ file tree) loads, is made private, and its export imports", async () => {
    const dataDir = tempDir();
    try {
      const name = `${DB}/operations/ASold`;
      writeVersion1State(dataDir, [
        exportRecord("ASold", "gs://bkt/old", {
          createdMs: Date.now() - 3_600_000,
          durationMs: 1_000,
          chunksWritten: 4,
          final: { state: "SUCCESSFUL", endMs: Date.now() - 3_599_000, fraction: 1 },
        }),
      ]);
      const legacy = path.join(dataDir, "storage", "bkt", "old");
      fs.mkdirSync(path.join(legacy, "all_namespaces", "kind_users"), { recursive: true });
      fs.writeFileSync(path.join(legacy, "all_namespaces", "kind_users", "output-0"), "data\n");
      fs.writeFileSync(
        path.join(legacy, "old.overall_export_metadata"),
        JSON.stringify({
          format: "firestore-ops-emulator/export/v1",
          database: DB,
          operation: name,
          collections: { users: { documents: 100, bytesPerDocument: 200 } },
        }),
      );

      // The records above are stamped with the wall clock: the stepped clock starts from it.
      const clock = steppedClock(Date.now());
      await withEmulator({ dataDir, now: clock.now, behaviour: { operationDurationMs: 300 } }, async (emu) => {
        const old = await emu.call("GET", `/v1/${name}`);
        assert.equal(old.status, 200);
        assert.equal(old.json.metadata.operationState, "SUCCESSFUL");
        const objects = (await emu.control("GET", "storage/bkt?prefix=old/")).json.objects.map(
          (o: { name: string }) => o.name,
        );
        assert.deepEqual(objects, ["old/all_namespaces/kind_users/output-0", "old/old.overall_export_metadata"]);
        const started = await emu.call("POST", `/v1/${DB}:importDocuments`, { inputUriPrefix: "gs://bkt/old" });
        assert.equal(started.status, 200);
        const imported = await overAfter(emu, clock, started.json.name, 300);
        assert.equal(imported.metadata.operationState, "SUCCESSFUL", "the migrated export metadata was found");
      });
      assert.equal(fs.existsSync(path.join(dataDir, "storage")), false, "the old file tree is gone");
      const snapshot = JSON.parse(fs.readFileSync(path.join(dataDir, "state.json"), "utf8"));
      assert.equal(snapshot.version, 2);
      assert.equal(snapshot.auth.tokenSecret, "s3cret-from-the-first-release", "the signing secret carried over");
      assert.equal(mode(dataDir), 0o700);
      assert.equal(mode(path.join(dataDir, "state.json")), 0o600);
      assert.equal(mode(path.join(dataDir, "journal.ndjson")), 0o600);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("each change is one journal line before its answer; past compactAfterBytes the journal folds into the snapshot", async () => {
    const dataDir = tempDir();
    const journal = path.join(dataDir, "journal.ndjson");
    const names: string[] = [];
    // Stopped time: every operation is still as it was answered when the second emulator reads it back.
    const clock = steppedClock(Date.now());
    try {
      await withEmulator({ dataDir, now: clock.now, compactAfterBytes: 8_192 }, async (emu) => {
        const first = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/j-0" });
        names.push(first.json.name);
        const lines = fs.readFileSync(journal, "utf8").trimEnd().split("\n");
        assert.equal(lines.length, 1, "exactly one line for one change");
        assert.equal(JSON.parse(lines[0] as string).operation.id, first.json.name.split("/").pop());

        let largest = 0;
        for (let i = 1; i < 40; i++) {
          const reply = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: `gs://bkt/j-${i}` });
          names.push(reply.json.name);
          if (i % 2) assert.equal((await emu.call("POST", `/v1/${reply.json.name}:cancel`)).status, 200);
          largest = Math.max(largest, fs.statSync(journal).size);
        }
        const snapshot = JSON.parse(fs.readFileSync(path.join(dataDir, "state.json"), "utf8"));
        assert.ok(snapshot.journalSeq > 1, "compaction took place (the snapshot took in journal entries)");
        assert.ok(largest < 8_192 + 4_096, `the journal stayed near its limit (largest ${largest} bytes)`);
      });
      await withEmulator({ dataDir, now: clock.now }, async (emu) => {
        for (const [i, name] of names.entries()) {
          const op = await emu.call("GET", `/v1/${name}`);
          assert.equal(op.status, 200, name);
          assert.equal(op.json.metadata.operationState, i % 2 ? "CANCELLING" : "PROCESSING", name);
        }
      });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("a torn last journal line (a write the kill interrupted) is cut off; the lines before it count", async () => {
    const dataDir = tempDir();
    try {
      let name = "";
      await withEmulator({ dataDir }, async (emu) => {
        name = (await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/t" })).json.name;
      });
      fs.appendFileSync(path.join(dataDir, "journal.ndjson"), '{"seq":99,"operation":{"id":"AStor');
      await withEmulator({ dataDir }, async (emu) => {
        assert.equal((await emu.call("GET", `/v1/${name}`)).status, 200);
        assert.equal((await emu.control("GET", "operations")).json.operations.length, 1);
      });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("a data dir that cannot be loaded: one line naming the file and the problem, exit code 2, no stack", async () => {
    const dataDir = tempDir();
    try {
      const cases: [() => void, RegExp][] = [
        [() => fs.writeFileSync(path.join(dataDir, "state.json"), "{not json"), /state\.json is not valid JSON/],
        [
          () => fs.writeFileSync(path.join(dataDir, "state.json"), JSON.stringify({ version: 7 })),
          /unsupported state version 7/,
        ],
        [
          () => writeVersion1State(dataDir, [{ ...exportRecord("ASx", "gs://bkt/x"), createdMs: "yesterday" }]),
          /operations\[0\]: createdMs and durationMs must be numbers/,
        ],
        [
          () => {
            writeVersion1State(dataDir, []);
            fs.writeFileSync(path.join(dataDir, "journal.ndjson"), 'garbage\n{"seq":2,"removed":"x"}\n');
          },
          /journal\.ndjson line 1: not valid JSON/,
        ],
      ];
      for (const [arrange, expected] of cases) {
        fs.rmSync(path.join(dataDir, "journal.ndjson"), { force: true });
        arrange();
        const failure = await spawnEmulator(["--data-dir", dataDir]).then(
          async (running) => {
            await running.kill();
            return "it started";
          },
          (error: Error) => error.message,
        );
        assert.match(failure, /^emulator exited early \(2\): /, failure);
        const output = failure.replace(/^emulator exited early \(2\): /, "");
        assert.match(output, /^firestore-ops-emulator: cannot load the --data-dir state: /);
        assert.match(output, expected);
        assert.equal(output.trimEnd().split("\n").length, 1, `one line: ${output}`);
        assert.throws(() => new Emulator({ dataDir }), StateLoadError, "in-process too, as a StateLoadError");
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("a poisoned state (an operation with a path Cloud Storage refuses) fails that operation, not the emulator", async () => {
    const dataDir = tempDir();
    const poisoned = [
      exportRecord("ASnul", "gs://bkt/a\u0000b"),
      exportRecord("ASlong", `gs://bkt/${"x".repeat(2_000)}`),
      exportRecord("ASbucket", "gs://No_Such_Bucket/x"),
    ];
    writeVersion1State(dataDir, [...poisoned, exportRecord("AShealthy", "gs://bkt/healthy")]);
    try {
      for (let start = 0; start < 2; start++) {
        const emulator = await spawnEmulator(["--data-dir", dataDir]);
        try {
          await sleep(400); // several real ticks of the spawned process (no clock to step), each used to throw on these
          for (const { id } of poisoned) {
            const op = await getOperation(emulator.url, `${DB}/operations/${id}`);
            assert.equal(op.status, 200, id);
            assert.equal(op.json.metadata.operationState, "FAILED", id);
            assert.equal(op.json.error.code, 3, id);
            assert.match(op.json.error.message, /cannot write its output/, id);
          }
          const healthy = await getOperation(emulator.url, `${DB}/operations/AShealthy`);
          assert.equal(healthy.json.metadata.operationState, "PROCESSING", "the others go on");
          assert.equal(emulator.child.exitCode, null, `start ${start}: still running. ${emulator.output()}`);
          assert.doesNotMatch(emulator.output(), /TypeError|\n\s+at /, "no crash trace");
        } finally {
          await emulator.kill();
        }
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("failures of the data dir reach no HTTP answer with a local path, and the emulator keeps serving", async () => {
    const dataDir = tempDir();
    const logged: string[] = [];
    try {
      await withEmulator({ dataDir, log: (line) => logged.push(line) }, async (emu) => {
        // A file where the bucket's folder should be: every object write for this bucket fails.
        fs.mkdirSync(path.join(dataDir, "objects"), { recursive: true });
        fs.writeFileSync(path.join(dataDir, "objects", "blocked"), "not a folder");
        const started = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://blocked/x" });
        const failed = await waitFor(
          async () => (await emu.call("GET", `/v1/${started.json.name}`)).json,
          (op) => op.done === true,
        );
        assert.equal(failed.metadata.operationState, "FAILED");
        assert.equal(failed.error.code, 13);
        assert.match(failed.error.message, /failed in the emulator \(E[A-Z]+\)/);
        assert.ok(!JSON.stringify(failed).includes(dataDir), "no data dir path in the operation");

        // The journal's flush fails, as on a broken disk: the request is answered 500, without the path.
        const ioError = Object.assign(new Error(`EIO: i/o error, fsync '${path.join(dataDir, "journal.ndjson")}'`), {
          code: "EIO",
        });
        const broken = mock.method(nodeFs, "fdatasyncSync", () => {
          throw ioError;
        });
        const refused = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/io" });
        broken.mock.restore();
        assert.equal(broken.mock.callCount() > 0, true, "the simulated failure was hit");
        assert.equal(refused.status, 500);
        assert.equal(refused.json.error.status, "INTERNAL");
        assert.match(refused.json.error.message, /Internal error encountered \(EIO\)/);
        assert.ok(!JSON.stringify(refused.json).includes(dataDir), "no data dir path in the answer");
        assert.ok(!JSON.stringify(refused.json).includes(os.tmpdir()), "no local path at all");
        assert.ok(
          logged.some((line) => line.includes(dataDir)),
          "the details went to the emulator's log",
        );

        const after = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/after" });
        assert.equal(after.status, 200, "still serving, and durable again");
      });
      await withEmulator({ dataDir }, async (emu) => {
        const prefixes = (await emu.control("GET", "operations")).json.operations.map(
          (op: { request: { outputUriPrefix: string } }) => op.request.outputUriPrefix,
        );
        assert.ok(prefixes.includes("gs://bkt/after"));
        assert.ok(prefixes.includes("gs://bkt/io"), "the change whose flush failed was retried with the next one");
      });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
