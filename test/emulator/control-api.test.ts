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
});
