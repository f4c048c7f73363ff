import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { DB, withEmulator } from "../support/emulator-client";

describe("control API: bad input is the client's error", () => {
  test("malformed percent-encoding in a control path is 400, not 500", async () => {
    await withEmulator({}, async (emu) => {
      for (const route of [
        "projects/demo-project/databases/%E0%A4%A/documents",
        `${DB}/operations/x%ZZ:finish`,
        "storage/%",
      ]) {
        const reply = await emu.control(route.endsWith(":finish") ? "POST" : "GET", route);
        assert.equal(reply.status, 400, route);
        assert.equal(reply.json.error.status, "INVALID_ARGUMENT");
        assert.match(reply.json.error.message, /percent-encoding/);
      }
      assert.equal((await emu.control("GET", "health")).status, 200, "still serving");
    });
  });

  test("a bucket listing checks the bucket name (the object store uses it as a folder)", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-control-"));
    try {
      await withEmulator({ dataDir }, async (emu) => {
        for (const bucket of ["Upper", "a..b", "-ab", "x", "%2E%2E.x"]) {
          const reply = await emu.control("GET", `storage/${bucket}`);
          assert.equal(reply.status, 400, bucket);
          assert.match(reply.json.error.message, /not a valid Cloud Storage bucket name/);
          assert.equal(reply.json.error.details[1].fieldViolations[0].field, "bucket");
        }
        assert.deepEqual((await emu.control("GET", "storage/no-such-bucket")).json.objects, []);
      });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("key issuance and database creation check their fields", async () => {
    await withEmulator({}, async (emu) => {
      const key = await emu.control("POST", "serviceAccountKeys", { projectId: "Not A Project" });
      assert.equal(key.status, 400);
      assert.equal(key.json.error.details[1].fieldViolations[0].field, "projectId");
      const account = await emu.control("POST", "serviceAccountKeys", { accountId: ["x"] });
      assert.equal(account.status, 400);
      assert.equal(account.json.error.details[1].fieldViolations[0].field, "accountId");
      const db = await emu.control("POST", "databases", {
        name: "projects/demo-project/databases/other",
        collections: { users: -1 },
      });
      assert.equal(db.status, 400);
      assert.equal(db.json.error.details[1].fieldViolations[0].field, "collections");
    });
  });

  test("an unknown route, or a known one with another method, is 404 naming the decoded route", async () => {
    await withEmulator({}, async (emu) => {
      for (const [method, route, shown] of [
        ["GET", "nothing/here", "nothing/here"],
        ["POST", "behaviour", "behaviour"],
        ["GET", "faults/seed", "faults/seed"],
        ["POST", "stats", "stats"],
        ["DELETE", "storage/bkt", "storage/bkt"],
        ["GET", "storage/a%2Fb", "storage/a/b"],
        ["GET", `${DB}/operations/x:finish`, `${DB}/operations/x:finish`],
      ] as const) {
        const reply = await emu.control(method, route);
        assert.equal(reply.status, 404, `${method} ${route}`);
        assert.equal(reply.json.error.status, "NOT_FOUND");
        assert.equal(reply.json.error.message, `No control route ${method} /emulator/v1/${shown}`);
      }
    });
  });

  test("health answers any method; stats counts operations and injected faults", async () => {
    await withEmulator({}, async (emu) => {
      for (const method of ["GET", "POST", "PUT", "DELETE"]) {
        const reply = await emu.control(method, "health");
        assert.equal(reply.status, 200, method);
        assert.deepEqual(reply.json, { ok: true });
      }
      assert.deepEqual((await emu.control("GET", "stats")).json, { faultsInjected: 0, operations: 0 });
      assert.equal(
        (await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/s" })).status,
        200,
      );
      assert.deepEqual((await emu.control("GET", "stats")).json, { faultsInjected: 0, operations: 1 });
    });
  });

  test("faults/seed takes a number; requests?since a non-negative integer; behaviour a JSON patch", async () => {
    await withEmulator({}, async (emu) => {
      const seeded = await emu.control("POST", "faults/seed", { seed: 9 });
      assert.equal(seeded.status, 200);
      assert.deepEqual(seeded.json, {});
      for (const body of [{ seed: "9" }, undefined]) {
        const refused = await emu.control("POST", "faults/seed", body);
        assert.equal(refused.status, 400);
        assert.equal(refused.json.error.message, "seed must be a number");
      }
      for (const since of ["-1", "abc", "1.5"]) {
        const refused = await emu.control("GET", `requests?since=${since}`);
        assert.equal(refused.status, 400, since);
        assert.equal(refused.json.error.details[1].fieldViolations[0].field, "since");
      }
      const notJson = await emu.control("PATCH", "behaviour", "{not json");
      assert.equal(notJson.status, 400);
      assert.match(
        notJson.json.error.message,
        /^Invalid JSON payload received/,
        "the body's own error, not the patch's",
      );
      const empty = await emu.control("PATCH", "behaviour");
      assert.equal(empty.status, 200, "no body is an empty patch");
      assert.deepEqual(empty.json, (await emu.control("GET", "behaviour")).json);
    });
  });
});
