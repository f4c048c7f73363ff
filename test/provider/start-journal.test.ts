/**
 * The start journal (provider/start-journal.ts, start-once.ts): every start POST is recorded before it is sent
 * and completed with the operation's name, so that a run killed before the engine recorded the create lets the
 * next create resume that operation instead of starting a second.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import {
  ENTRY_TTL_MS,
  MAX_ENTRY_BYTES,
  PRUNE_CHECKS,
  requestFingerprint,
  StartJournal,
  type StartOwner,
  type StartRecord,
} from "../../provider/start-journal";
import { DB, waitFor } from "../support/emulator-client";
import { type Harness, withProvider, withProviderBehindProxy } from "../support/provider-harness";
import { repoRoot } from "../support/repo";

const URN = "urn:pulumi:test::proj::firestore-operations:index:FirestoreExport::x";
const NEWS = { outputUriPrefix: "gs://bkt/nightly", collectionIds: ["users"], resourceUrn: URN };

async function posts(h: Harness): Promise<number> {
  return (await h.requests("exportDocuments")).length;
}

async function operationNames(h: Harness): Promise<string[]> {
  return ((await h.emu.control("GET", "operations")).json.operations as { name: string }[]).map((o) => o.name);
}

const resumed = (h: Harness, name: string) =>
  h.messages.some((m) => m.text.startsWith(`x: resuming ${name}, which an interrupted run started`));

describe("start journal", () => {
  test("(a) an entry is written before the POST is sent, and holds the operation's name once it answered", async () => {
    await withProviderBehindProxy({ behaviour: { operationDurationMs: 60_000 } }, async (h, proxy) => {
      let atPost: StartRecord | undefined;
      let sawPost = false;
      proxy.hook = async (request) => {
        if (request.method === "POST" && request.url.endsWith(":exportDocuments")) {
          sawPost = true;
          atPost = h.journal.read(h.owner(URN)); // the POST has not reached the server yet
        }
        return undefined;
      };
      const before = Date.now();
      const { id } = await h.up("export", NEWS);
      assert.ok(sawPost);
      assert.ok(atPost, "the entry existed when the POST arrived");
      assert.equal(atPost.resource, URN);
      assert.equal(atPost.operationName, undefined, "no name while the POST is in flight");
      assert.ok(atPost.sentAtMs >= before && atPost.sentAtMs <= Date.now());
      assert.equal(atPost.stack, h.stackInstance, "keyed by the stack instance as well");
      assert.equal(
        atPost.request,
        requestFingerprint(DB, "exportDocuments", {
          outputUriPrefix: "gs://bkt/nightly",
          collectionIds: ["users"],
        }),
      );
      assert.equal(h.journal.read(h.owner(URN))?.operationName, id, "completed with the name the server answered");
    });
  });

  test("(b) an entry with the name, left by a run killed before the engine recorded it: resumed, no POST", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      // The killed run: its create got the answer and completed the entry, and its result never reached the state.
      const killed = await h.up("export", NEWS);
      assert.equal(h.journal.read(h.owner(URN))?.operationName, killed.id);
      assert.equal(await posts(h), 1);

      const rerun = await h.up("export", NEWS);
      assert.equal(rerun.id, killed.id, "the same operation");
      assert.equal(rerun.outs.state, "PROCESSING");
      assert.equal(await posts(h), 1, "no new POST");
      assert.deepEqual(await operationNames(h), [killed.id]);
      assert.ok(resumed(h, killed.id), JSON.stringify(h.messages));
    });
  });

  test("(b) an entry whose operation ended FAILED is not resumed: a new one starts", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const killed = await h.up("export", NEWS);
      await h.emu.control("POST", `${killed.id}:finish`, { state: "FAILED", error: { code: 13, message: "boom" } });
      const rerun = await h.up("export", NEWS);
      assert.notEqual(rerun.id, killed.id);
      assert.equal(await posts(h), 2);
      assert.equal(h.journal.read(h.owner(URN))?.operationName, rerun.id);
    });
  });

  test("(c) an entry without a name (killed while the POST was in flight) and its operation: resumed, no POST", async () => {
    await withProvider(
      {
        behaviour: {
          operationDurationMs: 60_000,
          faults: { rate: 1, kinds: ["commit-then-slow"], endpoints: ["exportDocuments"], slowMs: 1_500 },
        },
      },
      {},
      async (h) => {
        const inFlight = h.up("export", NEWS);
        // The server has started the export; its answer is still on the way.
        const [post] = await waitFor(
          () => h.requests("exportDocuments"),
          (logged) => logged.length === 1,
        );
        assert.equal(post?.fault, "commit-then-slow");
        const whenKilled = h.journal.read(h.owner(URN));
        assert.ok(whenKilled, "the entry was written before the POST");
        assert.equal(whenKilled.operationName, undefined);
        // Let this process's copy finish, then put the journal back as the killed run left it.
        const { id } = await inFlight;
        assert.equal(id, post?.operation);
        await h.journal.write(whenKilled);
        await h.emu.control("PATCH", "behaviour", { faults: { rate: 0 } });

        const rerun = await h.up("export", NEWS);
        assert.equal(rerun.id, id, "the operation the POST started, found in the window it was in flight");
        assert.equal(await posts(h), 1, "no new POST");
        assert.deepEqual(await operationNames(h), [id]);
        assert.ok(resumed(h, id));
        assert.equal(h.journal.read(h.owner(URN))?.operationName, id, "and the entry now has its name");
      },
    );
  });

  test("(d) an entry without a name and no operation started in its window: a new POST", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const earlier = await h.up("export", NEWS);
      const entry = h.journal.read(h.owner(URN)) as StartRecord;
      // A POST of an hour ago that died in flight; the running export started minutes ago is not its.
      const { operationName: _, ...nameless } = entry;
      await h.journal.write({ ...nameless, sentAtMs: entry.sentAtMs - 3_600_000 });

      const rerun = await h.up("export", NEWS);
      assert.notEqual(rerun.id, earlier.id);
      assert.equal(await posts(h), 2, "a new POST");
      assert.equal(resumed(h, earlier.id), false);
      assert.equal(h.journal.read(h.owner(URN))?.operationName, rerun.id);
      // It still said that a running lookalike exists.
      assert.ok(h.messages.some((m) => m.level === "warn" && m.text.includes(earlier.id)));
    });
  });

  test("(e) a different request for the same resource ignores the entry", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const first = await h.up("export", NEWS);
      const changed = await h.up("export", { ...NEWS, outputUriPrefix: "gs://bkt/other" });
      assert.notEqual(changed.id, first.id);
      assert.equal(await posts(h), 2);
      assert.equal(resumed(h, first.id), false);
      assert.equal(h.journal.read(h.owner(URN))?.operationName, changed.id, "the entry is the new start's");
    });
  });

  test("(f) diff, read and delete of the recorded operation remove its entry; of another, they keep it", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 0 } }, {}, async (h) => {
      const { id, outs } = await h.up("export", NEWS);
      const entry = h.journal.read(h.owner(URN)) as StartRecord;
      assert.equal(entry.operationName, id);
      const p = h.provider("export");

      await p.diff(id, outs, { ...outs });
      assert.equal(h.journal.read(h.owner(URN)), undefined, "diff saw it in the state");
      await h.journal.write(entry);
      await p.read(id, outs);
      assert.equal(h.journal.read(h.owner(URN)), undefined, "read saw it in the state");

      // A later start's entry (another operation) survives steps that see the old one.
      const other = `${DB}/operations/ASlaterstart`;
      await h.journal.write({ ...entry, operationName: other });
      await p.diff(id, outs, { ...outs });
      await p.read(id, outs);
      assert.equal(h.journal.read(h.owner(URN))?.operationName, other);

      await h.journal.write(entry);
      await p.delete(id, outs);
      assert.equal(h.journal.read(h.owner(URN)), undefined, "delete removed it");
    });
  });

  test("(g) no entry, and a running lookalike: create warns naming it and the cancel command, then starts anew", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const lookalike = (
        await h.admin("POST", `/v1/${DB}:exportDocuments`, {
          outputUriPrefix: "gs://bkt/nightly",
          collectionIds: ["users"],
        })
      ).json.name as string;
      const different = (await h.admin("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/elsewhere" }))
        .json.name as string;
      assert.equal(h.journal.read(h.owner(URN)), undefined);

      const { id } = await h.up("export", NEWS);
      assert.notEqual(id, lookalike);
      assert.equal(await posts(h), 3, "a new operation was started");
      const warnings = h.messages.filter((m) => m.level === "warn");
      assert.equal(warnings.length, 1, JSON.stringify(h.messages));
      const text = warnings[0]?.text ?? "";
      assert.match(text, /^x: 1 running exportDocuments operation\(s\) match this request/);
      assert.ok(text.includes(`firestore-ops cancel ${lookalike} --wait`), text);
      assert.equal(text.includes(different), false, "an export of another prefix is no lookalike");
      const ops = (await h.emu.control("GET", "operations")).json.operations as { cancelRequested: boolean }[];
      assert.ok(
        ops.every((o) => !o.cancelRequested),
        "nothing was cancelled",
      );
    });
  });
});

/** A journal in a fresh folder of its own (the parent is a mkdtemp folder: ours, mode 0700). */
/** A journal in a temporary folder `base` of its own (its folder is `base/starts`), removed after `body`. */
async function withTempJournal(body: (temp: { journal: StartJournal; base: string }) => Promise<void>): Promise<void> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "start-journal-"));
  try {
    await body({ journal: new StartJournal(path.join(base, "starts")), base });
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

const OWNER: StartOwner = { stack: "8d7f6e0a-stack-a", resource: URN };
const ENTRY: StartRecord = {
  ...OWNER,
  request: requestFingerprint(DB, "exportDocuments", { outputUriPrefix: "gs://bkt/nightly" }),
  sentAtMs: Date.now(),
  operationName: `${DB}/operations/ASentry`,
};

/** The one entry file in the journal's folder (its name is the journal's business, so it is found, not computed). */
function entryFile(journal: StartJournal): string {
  const names = fs.readdirSync(journal.dir).filter((name) => name.endsWith(".json"));
  assert.equal(names.length, 1, `one entry file: ${names.join(", ")}`);
  return path.join(journal.dir, names[0] as string);
}

describe("start journal: keyed by the stack instance", () => {
  test("another stack instance's entry for the same URN is not read, not removed; its own is", async () => {
    await withTempJournal(async ({ journal }) => {
      await journal.write(ENTRY);
      const other: StartOwner = { stack: "another-backend's-stack", resource: URN };
      assert.equal(journal.read(other), undefined, "same project, stack name and URN, another stack instance");
      await journal.remove(other);
      assert.deepEqual(journal.read(OWNER), ENTRY, "still there for the stack that wrote it");
      await journal.remove(OWNER, ENTRY.operationName);
      assert.equal(journal.read(OWNER), undefined);
    });
  });

  test("a start step without a stack instance (written by an older version) neither reads nor writes entries", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      // What 57d10a9 left: an entry under the URN alone would have been found by any stack of that name.
      const first = await h.up("export", { ...NEWS, stackInstance: undefined });
      const { stackInstance: _, ...legacyOuts } = first.outs;
      assert.equal(fs.existsSync(h.journal.dir), false, "nothing written without a stack instance");
      await h.provider("export").diff(first.id, legacyOuts, { ...NEWS, stackInstance: h.stackInstance });
      const second = await h.up("export", NEWS);
      assert.notEqual(second.id, first.id);
      assert.equal(h.journal.read(h.owner(URN))?.operationName, second.id);
    });
  });
});

describe("start journal: the folder is checked, never trusted", () => {
  test("a link planted at a temporary name is never written through", async () => {
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const randomBytes = crypto.randomBytes;
    await withTempJournal(async ({ journal, base }) => {
      const victim = path.join(base, "victim");
      try {
        fs.writeFileSync(victim, "precious");
        fs.mkdirSync(journal.dir, { mode: 0o700 });
        // The names 57d10a9 used (entry name, pid, write counter): predictable, so plantable.
        for (let n = 1; n <= 4; n++) {
          for (const key of [OWNER.resource, JSON.stringify([OWNER.stack, OWNER.resource])]) {
            const hash = require("node:crypto").createHash("sha256").update(key).digest("hex").slice(0, 32);
            fs.symlinkSync(victim, path.join(journal.dir, `${hash}.json.${process.pid}.${n}.tmp`));
          }
        }
        await journal.write(ENTRY);
        assert.equal(fs.readFileSync(victim, "utf8"), "precious");
        assert.deepEqual(journal.read(OWNER), ENTRY);

        // Even a name guessed right is refused (O_CREAT|O_EXCL|O_NOFOLLOW), not followed.
        const guessed = Buffer.alloc(12, 7);
        Object.assign(crypto, { randomBytes: () => guessed });
        fs.symlinkSync(victim, path.join(journal.dir, `.${guessed.toString("hex")}.tmp`));
        await assert.rejects(journal.write({ ...ENTRY, operationName: "other" }), { code: "EEXIST" });
        assert.equal(fs.readFileSync(victim, "utf8"), "precious");
        assert.deepEqual(journal.read(OWNER), ENTRY, "the entry is unchanged");
      } finally {
        Object.assign(crypto, { randomBytes });
      }
    });
  });

  test("a folder others can write is refused with an error naming it and FIRESTORE_OPS_STATE_DIR; nothing is sent", async () => {
    await withProvider({}, {}, async (h) => {
      fs.mkdirSync(h.journal.dir, { recursive: true });
      fs.chmodSync(h.journal.dir, 0o777);
      const refusal = (error: Error) =>
        error.message.includes(h.journal.dir) &&
        error.message.includes("can be written by others (mode 0777)") &&
        error.message.includes("FIRESTORE_OPS_STATE_DIR");
      assert.throws(() => h.journal.read(h.owner(URN)), refusal);
      await assert.rejects(h.journal.write({ ...ENTRY, stack: h.stackInstance }), refusal);
      await assert.rejects(h.up("export", NEWS), refusal);
      assert.equal(await posts(h), 0, "nothing was started");
    });
  });

  test("a folder that becomes untrusted while the POST is in flight costs a warning, never the started operation", async () => {
    await withProviderBehindProxy({}, async (h, proxy) => {
      let chmodded = false;
      proxy.hook = async (request) => {
        if (request.method === "POST" && request.url.endsWith(":exportDocuments")) {
          fs.chmodSync(h.journal.dir, 0o777);
          chmodded = true;
        }
        return undefined;
      };
      const { id } = await h.up("export", NEWS);
      assert.ok(chmodded, "the folder was opened up after the entry was written");
      assert.match(id, /\/operations\//, "the create returned the operation, so the engine records it");
      assert.equal(await posts(h), 1);
      const warning = h.messages.find((m) => m.level === "warn" && m.text.includes("cannot write the start journal"));
      assert.ok(warning, JSON.stringify(h.messages));
    });
  });

  test("a parent folder others can write (not sticky) is refused too", async () => {
    await withTempJournal(async ({ journal, base }) => {
      fs.mkdirSync(journal.dir, { mode: 0o700 });
      fs.chmodSync(base, 0o777);
      assert.throws(() => journal.read(OWNER), new RegExp(`folder ${base} can be written by others`));
      fs.chmodSync(base, 0o1777); // sticky, as /tmp: others cannot rename or remove what is ours
      assert.equal(journal.read(OWNER), undefined);
    });
  });

  test("a folder owned by another uid is refused", {
    skip: process.getuid?.() !== 0 && "needs root to chown",
  }, async () => {
    await withTempJournal(async ({ journal }) => {
      await journal.write(ENTRY);
      fs.chownSync(journal.dir, 4242, 4242);
      assert.throws(
        () => journal.read(OWNER),
        /starts belongs to uid 4242, not to this user \(uid 0\).*FIRESTORE_OPS_STATE_DIR/,
      );
      await journal.remove(OWNER); // housekeeping leaves such a folder alone, rather than failing a destroy
      assert.equal(fs.readdirSync(journal.dir).length, 1, "the entry is untouched");
    });
  });

  test("a FIFO at the entry's path is not waited on", async () => {
    await withTempJournal(async ({ journal }) => {
      await journal.write(ENTRY);
      const file = entryFile(journal);
      fs.rmSync(file);
      execFileSync("mkfifo", [file]);
      // In a process of its own: a read that blocks (57d10a9 opened the FIFO and waited for a writer) would hang
      // this one; the child is killed instead, and that counts as the failure.
      const child = spawnSync(
        process.execPath,
        [
          "-e",
          `const { StartJournal } = require(${JSON.stringify(path.join(__dirname, "../../provider/start-journal.js"))});
           process.stdout.write(String(new StartJournal(${JSON.stringify(journal.dir)}).read(${JSON.stringify(OWNER)})));`,
        ],
        { timeout: 20_000, encoding: "utf8" },
      );
      assert.equal(child.error, undefined, "the read returned (it did not block)");
      assert.equal(child.status, 0, child.stderr);
      assert.equal(child.stdout, "undefined", "a FIFO is no entry");
    });
  });

  test("a link at the entry's path is not followed", async () => {
    await withTempJournal(async ({ journal, base }) => {
      await journal.write(ENTRY);
      const file = entryFile(journal);
      const elsewhere = path.join(base, "elsewhere.json");
      fs.renameSync(file, elsewhere);
      fs.symlinkSync(elsewhere, file);
      assert.equal(journal.read(OWNER), undefined);
      await journal.remove(OWNER);
      assert.equal(fs.existsSync(file), false, "remove unlinked the link");
      assert.equal(fs.readFileSync(elsewhere, "utf8"), JSON.stringify(ENTRY), "and not its target");
    });
  });

  test("an oversized file is not read", async () => {
    await withTempJournal(async ({ journal }) => {
      await journal.write(ENTRY);
      const file = entryFile(journal);
      fs.writeFileSync(file, JSON.stringify({ ...ENTRY, padding: "x".repeat(MAX_ENTRY_BYTES) }));
      assert.equal(journal.read(OWNER), undefined);
      fs.writeFileSync(file, JSON.stringify(ENTRY));
      assert.deepEqual(journal.read(OWNER), ENTRY, "the same entry at its normal size is read");
    });
  });

  test("an expired entry is ignored, and pruned by a later write", async () => {
    await withTempJournal(async ({ journal }) => {
      await journal.write({ ...ENTRY, sentAtMs: Date.now() - ENTRY_TTL_MS + 60_000 });
      assert.equal(journal.read(OWNER)?.operationName, ENTRY.operationName, "valid a minute before it expires");
      const sentAtMs = Date.now() - ENTRY_TTL_MS - 60_000;
      await journal.write({ ...ENTRY, sentAtMs });
      const expired = entryFile(journal);
      // As a file written back then would be: pruning goes by the file's time (it need not open the file).
      fs.utimesSync(expired, new Date(sentAtMs), new Date(sentAtMs));
      assert.equal(journal.read(OWNER), undefined, "expired a minute ago: no evidence");
      const later: StartRecord = { ...ENTRY, stack: "a later stack", sentAtMs: Date.now() };
      await journal.write(later);
      assert.equal(fs.existsSync(expired), false, "pruned by the write");
      assert.deepEqual(journal.read({ stack: later.stack, resource: URN }), later);
    });
  });

  test("pruning is bounded per write, and drains a large backlog over a few writes", async () => {
    await withTempJournal(async ({ journal }) => {
      await journal.write(ENTRY);
      const old = new Date(Date.now() - ENTRY_TTL_MS - 86_400_000);
      for (let i = 0; i < 100; i++) {
        const file = path.join(journal.dir, `${i.toString(16).padStart(32, "0")}.json`);
        fs.writeFileSync(file, "{}");
        fs.utimesSync(file, old, old);
      }
      const count = () => fs.readdirSync(journal.dir).length;
      assert.equal(count(), 101);
      await journal.write(ENTRY);
      const removed = 101 - count();
      assert.ok(removed >= PRUNE_CHECKS - 1 && removed <= PRUNE_CHECKS, `one write removed ${removed}`);
      for (let i = 0; i < 3; i++) await journal.write(ENTRY);
      assert.equal(count(), 1, "only the live entry is left");
      assert.deepEqual(journal.read(OWNER), ENTRY);
    });
  });
});

test("the lifecycle page states the journal's TTL as the code has it", () => {
  const page = fs.readFileSync(path.join(repoRoot(), "docs/lifecycle.md"), "utf8");
  assert.match(page, new RegExp(`Entries expire after ${ENTRY_TTL_MS / 86_400_000}\\s+days\\.`));
});
