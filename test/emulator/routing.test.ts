import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DB, withEmulator } from "../support/emulator-client";
import { spawnEmulator } from "../support/emulator-process";

describe("routing", () => {
  test("(default) may be raw or percent-encoded, and so may the verb's colon", async () => {
    await withEmulator({}, async (emu) => {
      const body = { outputUriPrefix: "gs://bkt/p" };
      assert.equal(
        (await emu.call("POST", "/v1/projects/demo-project/databases/(default):exportDocuments", body)).status,
        200,
      );
      assert.equal(
        (await emu.call("POST", "/v1/projects/demo-project/databases/%28default%29:exportDocuments", body)).status,
        200,
      );
      const encodedColon = await emu.call(
        "POST",
        "/v1/projects/demo-project/databases/%28default%29%3AexportDocuments",
        body,
      );
      assert.equal(encodedColon.status, 200);
      const id = encodedColon.json.name.split("/").pop();
      assert.equal(
        (await emu.call("GET", `/v1/projects/demo-project/databases/%28default%29/operations/${id}`)).status,
        200,
      );
      assert.equal((await emu.call("POST", `/v1/${DB}/operations/${id}%3Acancel`)).status, 200);
    });
  });

  test("unknown paths and methods get Google's HTML 404 page, with json404 the NOT_FOUND envelope", async () => {
    const unrouted = [
      ["GET", "/v1/projects/demo-project/databases/(default):exportDocuments"],
      ["POST", "/v1/projects/demo-project/databases/(default):frobnicate"],
      ["PUT", `/v1/${DB}/operations/abc`],
      ["GET", `/v1/${DB}/operations/abc/extra`],
      ["GET", "/v2/anything"],
      ["GET", `/v1/${DB}/operations/abc:cancel`],
      ["GET", `/v1/${DB}/operations/`],
      ["GET", `/v1//${DB}/operations`],
      ["GET", "/v1/<script>alert(1)</script>"],
    ] as const;
    await withEmulator({}, async (emu) => {
      for (const [method, path] of unrouted) {
        const response = await fetch(`${emu.url}${path}`, { method });
        const page = await response.text();
        assert.equal(response.status, 404, `${method} ${path}`);
        assert.equal(response.headers.get("content-type"), "text/html; charset=UTF-8");
        assert.match(page, /<title>Error 404 \(Not Found\)!!1<\/title>/);
        assert.match(page, /The requested URL <code>[^<]*<\/code> was not found on this server\./);
      }
      // The path is escaped into the page, never markup of its own.
      const page = await (await fetch(`${emu.url}/v1/%3Cscript%3E`)).text();
      assert.ok(!page.includes("<script>"), page);
      assert.ok(page.includes("&#60;script&#62;") || page.includes("%3Cscript%3E"), page);
    });
    await withEmulator({ json404: true }, async (emu) => {
      for (const [method, path] of unrouted) {
        const reply = await emu.call(method, path);
        assert.equal(reply.status, 404, `${method} ${path}`);
        assert.equal(reply.json.error.code, 404);
        assert.equal(reply.json.error.status, "NOT_FOUND");
      }
    });
  });

  test("an operation of another database or project is not found", async () => {
    await withEmulator({ databases: [DB, "projects/demo-project/databases/second"] }, async (emu) => {
      const { json } = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/p" });
      const id = json.name.split("/").pop();
      assert.equal((await emu.call("GET", `/v1/projects/demo-project/databases/second/operations/${id}`)).status, 404);
      assert.equal((await emu.call("GET", `/v1/projects/other/databases/(default)/operations/${id}`)).status, 404);
      assert.equal(
        (await emu.call("GET", "/v1/projects/demo-project/databases/second/operations")).json.operations,
        undefined,
      );
    });
  });

  test("the CLI's --json-404 gives the JSON envelope; without it, the HTML page", async () => {
    for (const [args, type] of [
      [["--json-404"], "application/json; charset=UTF-8"],
      [[], "text/html; charset=UTF-8"],
    ] as const) {
      const emulator = await spawnEmulator([...args]);
      try {
        const response = await fetch(`${emulator.url}/v1/${DB}/operations/`);
        assert.equal(response.status, 404);
        assert.equal(response.headers.get("content-type"), type);
        if (args.length)
          assert.equal(((await response.json()) as { error: { status: string } }).error.status, "NOT_FOUND");
      } finally {
        await emulator.kill();
      }
    }
  });
});
