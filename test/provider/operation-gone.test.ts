/**
 * Only the API's own NOT_FOUND means an operation is gone (provider/operation-gone.ts): refresh drops a resource
 * and destroy forgets it only on that proof. Any other 404 (a proxy's page, a server without the database)
 * is an error, and the resource (and the operation it records) stays.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DB, waitFor } from "../support/emulator-client";
import type { ProxyReply } from "../support/loopback-proxy";
import { type Harness, withProvider, withProviderBehindProxy } from "../support/provider-harness";
import { runningExportOutputs } from "../support/stored-outputs";

const OPERATION_PATH = /\/operations\/[^/?:]+(:cancel)?(\?|$)/;
const UNPROVEN = /does not prove that projects\/demo-project\/databases\/\(default\)\/operations\/\S+ is gone/;

const htmlNotFound: ProxyReply = {
  status: 404,
  headers: { "content-type": "text/html" },
  body: "<!DOCTYPE html><html><body><h1>404 Not Found</h1><p>nginx</p></body></html>",
};

const envelope = (status: number, code: string, message: string, reason: string): ProxyReply => ({
  status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    error: {
      code: status,
      status: code,
      message,
      details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason, domain: "googleapis.com" }],
    },
  }),
});

/** What the operation is on the emulator now (the test's own view, past any proxy). */
async function stateOf(h: Harness, name: string): Promise<string> {
  return (await h.admin("GET", `/v1/${name}`)).json.metadata.operationState;
}

describe("only the API's own NOT_FOUND means gone", () => {
  test("(a) the emulator's NOT_FOUND for an operation of a database it holds: refresh keeps it as ended, destroy is quiet", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const { outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
      const missing = `${DB}/operations/ASdoesnotexist`;
      const props = { ...outs, operationName: missing };

      const read = await h.provider("export").read(missing, props);
      assert.equal(read.id, missing, "kept: an operation that vanished ended, and a new up must not start another");
      assert.equal(read.props?.done, true);
      assert.equal(read.props?.state, "OPERATION_STATE_UNSPECIFIED", "with an outcome the stack never saw");
      assert.match(read.props?.errorMessage ?? "", /no longer exists on the server/);
      const gets = await h.requests("operations.get");
      assert.deepEqual(
        gets.map((r) => r.status),
        [404],
        "the emulator answered its own NOT_FOUND",
      );
      assert.deepEqual(
        await h.statuses("databases.get"),
        [200],
        "and holds the operation's database: that is the proof",
      );

      await h.provider("export").delete(missing, props);
      assert.deepEqual(await h.statuses("operations.cancel"), [404]);
      assert.ok(h.messages.some((m) => m.text.includes(`${missing} no longer exists; nothing to cancel`)));
    });
  });

  test("(a) an operation deleted while it ran is kept as ended on refresh; destroy is quiet", async () => {
    await withProvider(
      { behaviour: { operationDurationMs: 60_000, deleteRunningBehaviour: "hide" } },
      {},
      async (h) => {
        const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
        assert.equal((await h.admin("DELETE", `/v1/${id}`)).status, 200);
        const read = await h.provider("export").read(id, outs);
        assert.deepEqual([read.id, read.props?.done], [id, true]);
        await h.provider("export").delete(id, outs);
        assert.equal((await h.requests("operations.cancel")).length, 1, "the cancel was sent and answered 404");
      },
    );
  });

  test("(b) a proxy's HTML 404 page: refresh and destroy fail, saying it does not prove the operation gone", async () => {
    await withProviderBehindProxy(
      { behaviour: { operationDurationMs: 60_000, cancelLatencyMs: 0 } },
      async (h, proxy) => {
        const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
        // From now on the proxy answers every request about an operation with its own 404 page; the database
        // itself is still reachable through it, so only the answer's shape can tell the two apart.
        proxy.hook = async (request) => (OPERATION_PATH.test(request.url) ? htmlNotFound : undefined);

        await assert.rejects(h.provider("export").read(id, outs), (error: Error) => {
          assert.match(error.message, /404/);
          assert.match(error.message, UNPROVEN);
          assert.match(error.message, /the resource stays in the stack/);
          return true;
        });
        await assert.rejects(h.provider("export").delete(id, outs), UNPROVEN);
        assert.ok(
          proxy.seen.some((r) => r.startsWith("GET ") && r.includes(id.slice(id.lastIndexOf("/") + 1))),
          "the refresh's GET reached the proxy",
        );
        assert.ok(
          proxy.seen.some((r) => r.startsWith("POST ") && r.endsWith(":cancel")),
          "so did the cancel",
        );
        assert.equal((await h.requests("operations.get")).length, 0, "no GET of the operation reached the emulator");
        assert.equal((await h.requests("operations.cancel")).length, 0, "nor the cancel");
        assert.equal(await stateOf(h, id), "PROCESSING", "the operation runs on, and the resource would keep it");
      },
    );
  });

  test("(c) an emulator without the operation's database (NOT_FOUND envelope, database missing): both fail", async () => {
    await withProvider(
      { databases: ["projects/demo-project/databases/other"], behaviour: { operationDurationMs: 60_000 } },
      {},
      async (h) => {
        // As a resource created against the right server would have stored it.
        const name = `${DB}/operations/ASrunningelsewhere`;
        const props = runningExportOutputs(name);
        await assert.rejects(h.provider("export").read(name, props), UNPROVEN);
        await assert.rejects(h.provider("export").delete(name, props), UNPROVEN);
        const gets = await h.requests("operations.get");
        assert.equal(gets[0]?.status, 404, "the server answered NOT_FOUND for the operation");
        const databases = await h.requests("databases.get");
        assert.ok(databases.length >= 1 && databases.every((r) => r.status === 404), "and does not hold its database");
      },
    );
  });

  test("(c) a server answering DATABASE_NOT_FOUND to everything: both fail, the resource stays", async () => {
    await withProviderBehindProxy({ behaviour: { operationDurationMs: 60_000 } }, async (h, proxy) => {
      const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
      proxy.hook = async () =>
        envelope(404, "NOT_FOUND", `The database ${DB} does not exist for project demo-project.`, "DATABASE_NOT_FOUND");
      await assert.rejects(h.provider("export").read(id, outs), UNPROVEN);
      await assert.rejects(h.provider("export").delete(id, outs), UNPROVEN);
      assert.ok(proxy.seen.includes(`GET /v1/${DB}`), "the database was asked for, and answered not found");
      assert.equal(await stateOf(h, id), "PROCESSING");
    });
  });

  test("(c) an operation NOT_FOUND from a server whose database answer is not that database: not proof", async () => {
    await withProviderBehindProxy({ behaviour: { operationDurationMs: 60_000 } }, async (h, proxy) => {
      const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x" });
      // A catch-all stub: an API-looking NOT_FOUND for the operation, and `{}` for anything else.
      proxy.hook = async (request) =>
        OPERATION_PATH.test(request.url)
          ? envelope(404, "NOT_FOUND", "Operation not found.", "OPERATION_NOT_FOUND")
          : { status: 200, headers: { "content-type": "application/json" }, body: "{}" };
      await assert.rejects(h.provider("export").read(id, outs), UNPROVEN);
      await assert.rejects(h.provider("export").delete(id, outs), UNPROVEN);
      assert.equal(await stateOf(h, id), "PROCESSING");
    });
  });

  test("(d) a finished operation is not requested on refresh and keeps its last outcome", async () => {
    await withProvider({ behaviour: { operationDurationMs: 60_000 } }, {}, async (h) => {
      const ok = await h.up("export", { outputUriPrefix: "gs://bkt/ok" });
      const bad = await h.up("export", { outputUriPrefix: "gs://bkt/bad" });
      await h.emu.control("POST", `${ok.id}:finish`, { state: "SUCCESSFUL" });
      await h.emu.control("POST", `${bad.id}:finish`, { state: "FAILED", error: { code: 13, message: "boom" } });
      // The refresh that saw them end stores done: true.
      const okDone = (await h.provider("export").read(ok.id, ok.outs)).props;
      const badDone = (await h.provider("export").read(bad.id, bad.outs)).props;
      assert.equal(okDone?.done, true);
      assert.equal(badDone?.state, "FAILED");
      // Garbage-collected since: a request now would answer NOT_FOUND.
      await h.emu.control("PATCH", "behaviour", { retentionMs: 0 });
      await waitFor(
        () => h.admin("GET", `/v1/${ok.id}`),
        (r) => r.status === 404,
      );

      const getsBefore = (await h.requests("operations.get")).length;
      const okAgain = await h.provider("export").read(ok.id, okDone);
      const badAgain = await h.provider("export").read(bad.id, badDone);
      assert.equal((await h.requests("operations.get")).length, getsBefore, "done is final: nothing was requested");
      assert.equal(okAgain.id, ok.id);
      assert.equal(okAgain.props?.state, "SUCCESSFUL");
      assert.equal(badAgain.id, bad.id);
      assert.equal(badAgain.props?.state, "FAILED");
      assert.equal(badAgain.props?.errorMessage, "boom");
    });
  });
});
