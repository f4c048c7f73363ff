/**
 * After a start POST whose outcome is unknown, the lookup (client/ambiguous-start.ts) adopts only the one
 * operation that matches the request and that the server dates inside the window in which the POST was sent.
 * Anything it cannot tell (several candidates, a failed list, a list cut short) is an error that says an
 * operation may be running, never a silent "none started".
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEV_TOKEN } from "../../emulator/index";
import { DB } from "../support/emulator-client";
import type { LoopbackProxy, ProxyReply } from "../support/loopback-proxy";
import { type Harness, withProvider, withProviderBehindProxy } from "../support/provider-harness";

const commitThen500 = {
  faults: { rate: 1, kinds: ["commit-then-500" as const], endpoints: ["exportDocuments" as const] },
};

const internalError: ProxyReply = {
  status: 500,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ error: { code: 500, status: "INTERNAL", message: "Internal error (proxy)." } }),
};

/**
 * Once the export POST has gone through the proxy, every operations list (the lookup after it) is answered by
 * `answer`, given how many lists it answered before; `count` says how many it answered.
 */
function answerListsAfterThePost(proxy: LoopbackProxy, answer: (answered: number) => ProxyReply): { count: number } {
  const lists = { count: 0 };
  let posted = false;
  proxy.hook = async (request) => {
    if (request.method === "POST" && request.url.endsWith(":exportDocuments")) posted = true;
    else if (posted && request.method === "GET" && request.url.includes("/operations?")) {
      lists.count++;
      return answer(lists.count);
    }
    return undefined;
  };
  return lists;
}

interface EmulatorOp {
  name: string;
  state: string;
  done: boolean;
  cancelRequested: boolean;
}

async function operations(h: Harness): Promise<EmulatorOp[]> {
  return (await h.emu.control("GET", "operations")).json.operations;
}

/** The operation the emulator says our (faulted) POST created; `others` POSTs were the test's own. */
async function startedByPost(h: Harness, others = 0): Promise<string | undefined> {
  const posts = await h.requests("exportDocuments");
  assert.equal(posts.length, others + 1, "our POST was sent once, never retried");
  const ours = posts.filter((p) => p.fault === "commit-then-500");
  assert.equal(ours.length, 1, "the fault was injected");
  return ours[0]?.operation;
}

describe("ambiguous-start lookup", () => {
  test("after a commit-then-500 POST, the operation that POST started is adopted", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000, ...commitThen500 } }, {}, async (h) => {
      const { id } = await h.up("export", { outputUriPrefix: "gs://bkt/x", collectionIds: ["users"] });
      assert.equal(id, await startedByPost(h));
      assert.equal((await operations(h)).length, 1);
    });
  });

  test("an identical operation someone else started before our POST is neither adopted nor cancelled", async () => {
    // The emulator's clock, moved back for the other party's start only: their operation is dated a minute
    // before our POST (as when a colleague ran the same export just before), ours when it is received.
    let skewMs = 0;
    await withProvider(
      { now: () => Date.now() + skewMs, behaviour: { operationDurationMs: 600_000 } },
      {},
      async (h) => {
        skewMs = -60_000;
        const theirs = (await h.admin("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/same" })).json
          .name as string;
        skewMs = 0;
        await h.emu.control("PATCH", "behaviour", commitThen500);

        const { id } = await h.up("export", { outputUriPrefix: "gs://bkt/same" });
        assert.notEqual(id, theirs, "theirs is not adopted");
        assert.equal(id, await startedByPost(h, 1), "ours is");
        const ops = await operations(h);
        assert.equal(ops.length, 2);
        const other = ops.find((o) => o.name === theirs);
        assert.equal(other?.cancelRequested, false, "theirs is not cancelled");
        assert.equal(other?.state, "PROCESSING");
        // Before the POST, the user heard about the running lookalike.
        assert.ok(h.messages.some((m) => m.level === "warn" && m.text.includes(theirs)));
      },
    );
  });

  // Two seconds is inside the allowance for the server's whole-second Date header, which only widens the
  // window after the POST (an operation it started cannot be dated before it was sent).
  for (const beforeMs of [60_000, 2_000]) {
    test(`an identical operation someone else started ${beforeMs / 1000} s before a POST that started nothing is not adopted`, async () => {
      let skewMs = 0;
      await withProvider(
        { now: () => Date.now() + skewMs, behaviour: { operationDurationMs: 600_000 } },
        {},
        async (h) => {
          skewMs = -beforeMs;
          const theirs = (await h.admin("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/same" })).json
            .name as string;
          skewMs = 0;
          await h.emu.control("PATCH", "behaviour", {
            faults: { rate: 1, kinds: ["503"], endpoints: ["exportDocuments"] },
          });
          await assert.rejects(
            h.up("export", { outputUriPrefix: "gs://bkt/same" }),
            /503 UNAVAILABLE.*No exportDocuments operation matching this request was found afterwards/,
          );
          const ops = await operations(h);
          assert.deepEqual(
            ops.map((o) => [o.name, o.cancelRequested]),
            [[theirs, false]],
            "nothing new started, theirs untouched",
          );
        },
      );
    });
  }

  test("several matching operations started while the POST was in flight: an error naming them all", async () => {
    await withProviderBehindProxy({ behaviour: { operationDurationMs: 60_000 } }, async (h, proxy) => {
      let concurrent = "";
      proxy.hook = async (request, forward) => {
        if (request.method !== "POST" || !request.url.endsWith(":exportDocuments")) return undefined;
        // Someone else's identical export lands on the server at the same moment as ours.
        const theirs = await fetch(`${h.emu.url}/v1/${DB}:exportDocuments`, {
          method: "POST",
          headers: { authorization: `Bearer ${DEV_TOKEN}`, "content-type": "application/json" },
          body: request.body,
        });
        concurrent = ((await theirs.json()) as { name: string }).name;
        assert.equal((await forward()).status, 200, "ours started too");
        return internalError;
      };
      await assert.rejects(
        h.up("export", { outputUriPrefix: "gs://bkt/x" }),
        (error: Error & { candidates?: string[] }) => {
          assert.equal(error.name, "AmbiguousStartError");
          assert.equal(error.candidates?.length, 2);
          assert.ok(error.candidates?.includes(concurrent));
          for (const name of error.candidates ?? []) assert.ok(error.message.includes(name), name);
          assert.match(error.message, /impossible to tell which one this resource started/);
          assert.match(error.message, /firestore-ops cancel .* --wait/);
          return true;
        },
      );
      const ops = await operations(h);
      assert.equal(ops.length, 2);
      assert.ok(
        ops.every((o) => !o.cancelRequested),
        "neither is cancelled",
      );
      assert.equal((await h.requests("exportDocuments")).length, 2, "theirs and ours, ours sent once");
    });
  });

  test("a list that fails during the lookup: the error says an operation may be running", async () => {
    await withProviderBehindProxy(
      { behaviour: { operationDurationMs: 60_000, ...commitThen500 } },
      async (h, proxy) => {
        const failedLists = answerListsAfterThePost(proxy, () => internalError);
        await assert.rejects(h.up("export", { outputUriPrefix: "gs://bkt/x" }), (error: Error) => {
          assert.equal(error.name, "AmbiguousStartError");
          assert.match(error.message, /Looking for the operation it may have started failed \(.*500 INTERNAL/);
          assert.match(error.message, /an? exportDocuments operation may be running/);
          assert.match(error.message, /firestore-ops list --database projects\/demo-project\/databases\/\(default\)/);
          return true;
        });
        assert.ok(failedLists.count >= 1, "the proxy failed the lookup's list");
        assert.equal((await operations(h)).length, 1, "and an operation is indeed running");
        assert.ok(await startedByPost(h));
      },
      { maxAttempts: 2 },
    );
  });

  test("a list cut short by its page cap: an error, not a silent 'none started'", async () => {
    await withProviderBehindProxy(
      { behaviour: { operationDurationMs: 60_000, ...commitThen500 } },
      async (h, proxy) => {
        const pages = answerListsAfterThePost(proxy, (page) => ({
          status: 200,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ operations: [], nextPageToken: `page-${page}` }),
        }));
        await assert.rejects(h.up("export", { outputUriPrefix: "gs://bkt/x" }), (error: Error) => {
          assert.equal(error.name, "AmbiguousStartError");
          assert.match(error.message, /has more pages than are read/);
          assert.match(error.message, /an? exportDocuments operation may be running/);
          return true;
        });
        assert.equal(pages.count, 50, "it read up to the cap (MAX_LIST_PAGES in admin-client.ts), then stopped");
        assert.equal((await operations(h)).length, 1, "the operation the POST started runs");
      },
    );
  });
});
