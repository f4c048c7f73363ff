/**
 * The start journal (provider/start-journal.ts, start-once.ts): every start POST is recorded before it is sent
 * and completed with the operation's name, so that a run killed before the engine recorded the create lets the
 * next create resume that operation instead of starting a second.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { StartRecord } from "../../provider/start-journal";
import { DB, waitFor } from "../support/emulator-client";
import { withProxy } from "../support/loopback-proxy";
import { type Harness, withProvider } from "../support/provider-harness";

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
    await withProxy(async (proxy) => {
      await withProvider(
        { behaviour: { operationDurationMs: 60_000 } },
        { "gcp:firestoreCustomEndpoint": `${proxy.url}/v1/` },
        async (h) => {
          proxy.target = h.emu.url;
          let atPost: StartRecord | undefined;
          let sawPost = false;
          proxy.hook = async (request) => {
            if (request.method === "POST" && request.url.endsWith(":exportDocuments")) {
              sawPost = true;
              atPost = h.journal.read(URN); // the POST has not reached the server yet
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
          assert.deepEqual(JSON.parse(atPost.request), {
            database: DB,
            method: "exportDocuments",
            body: { outputUriPrefix: "gs://bkt/nightly", collectionIds: ["users"] },
          });
          assert.equal(h.journal.read(URN)?.operationName, id, "completed with the name the server answered");
        },
      );
    });
  });

  test("(b) an entry with the name, left by a run killed before the engine recorded it: resumed, no POST", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      // The killed run: its create got the answer and completed the entry, and its result never reached the state.
      const killed = await h.up("export", NEWS);
      assert.equal(h.journal.read(URN)?.operationName, killed.id);
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
      assert.equal(h.journal.read(URN)?.operationName, rerun.id);
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
        const whenKilled = h.journal.read(URN);
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
        assert.equal(h.journal.read(URN)?.operationName, id, "and the entry now has its name");
      },
    );
  });

  test("(d) an entry without a name and no operation started in its window: a new POST", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const earlier = await h.up("export", NEWS);
      const entry = h.journal.read(URN) as StartRecord;
      // A POST of an hour ago that died in flight; the running export started minutes ago is not its.
      const { operationName: _, ...nameless } = entry;
      await h.journal.write({ ...nameless, sentAtMs: entry.sentAtMs - 3_600_000 });

      const rerun = await h.up("export", NEWS);
      assert.notEqual(rerun.id, earlier.id);
      assert.equal(await posts(h), 2, "a new POST");
      assert.equal(resumed(h, earlier.id), false);
      assert.equal(h.journal.read(URN)?.operationName, rerun.id);
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
      assert.equal(h.journal.read(URN)?.operationName, changed.id, "the entry is the new start's");
    });
  });

  test("(f) diff, read and delete of the recorded operation remove its entry; of another, they keep it", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 0 } }, {}, async (h) => {
      const { id, outs } = await h.up("export", NEWS);
      const entry = h.journal.read(URN) as StartRecord;
      assert.equal(entry.operationName, id);
      const p = h.provider("export");

      await p.diff(id, outs, { ...outs });
      assert.equal(h.journal.read(URN), undefined, "diff saw it in the state");
      await h.journal.write(entry);
      await p.read(id, outs);
      assert.equal(h.journal.read(URN), undefined, "read saw it in the state");

      // A later start's entry (another operation) survives steps that see the old one.
      const other = `${DB}/operations/ASlaterstart`;
      await h.journal.write({ ...entry, operationName: other });
      await p.diff(id, outs, { ...outs });
      await p.read(id, outs);
      assert.equal(h.journal.read(URN)?.operationName, other);

      await h.journal.write(entry);
      await p.delete(id, outs);
      assert.equal(h.journal.read(URN), undefined, "delete removed it");
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
      assert.equal(h.journal.read(URN), undefined);

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
