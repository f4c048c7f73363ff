import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { DB, sleep, withEmulator } from "../support/emulator-client";
import { spawnEmulator } from "../support/emulator-process";
import { steppedClock } from "../support/stepped-clock";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "emu-data-"));
}

describe("durability with --data-dir", () => {
  test("operations, their progress, storage and issued keys survive a restart", async () => {
    const dataDir = tempDir();
    let name = "";
    let token = "";
    // Both runs share the clock, as a real restart shares the wall clock; it starts now for the JWT's iat.
    const clock = steppedClock(Date.now());
    const options = { dataDir, auth: "oauth" as const, now: clock.now };
    await withEmulator({ ...options, behaviour: { operationDurationMs: 1_500 } }, async (emu) => {
      const key = (await emu.control("POST", "serviceAccountKeys", {})).json;
      const { signJwt } = await import("../../emulator/index");
      const now = Math.floor(clock.now() / 1000);
      const response = await fetch(`${emu.url}/token`, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
          assertion: signJwt(key, {
            iss: key.client_email,
            scope: "https://www.googleapis.com/auth/datastore",
            aud: key.token_uri,
            iat: now,
            exp: now + 600,
          }),
        }),
      });
      token = ((await response.json()) as { access_token: string }).access_token;
      name = (
        await emu.call(
          "POST",
          `/v1/${DB}:exportDocuments`,
          { outputUriPrefix: "gs://bkt/durable" },
          { authorization: `Bearer ${token}` },
        )
      ).json.name;
      clock.advance(500);
    });
    await withEmulator(options, async (emu) => {
      const headers = { authorization: `Bearer ${token}` };
      const op = (await emu.call("GET", `/v1/${name}`, undefined, headers)).json;
      assert.equal(op.name, name, "a token issued before the restart still works, and the operation is there");
      assert.ok(["PROCESSING", "SUCCESSFUL"].includes(op.metadata.operationState));
      assert.equal(op.metadata.operationState, "PROCESSING", "a third of the way, where the clock left it");
      assert.equal(op.metadata.progressDocuments.completedWork, String(Math.floor(26_200 / 3)));
      clock.advance(999);
      const before = (await emu.call("GET", `/v1/${name}`, undefined, headers)).json;
      assert.equal(before.metadata.operationState, "PROCESSING", "not over before its 1.5 s");
      clock.advance(1);
      const done = (await emu.call("GET", `/v1/${name}`, undefined, headers)).json;
      assert.equal(done.metadata.operationState, "SUCCESSFUL", "the timeline continued across the restart");
      const objects = (await emu.control("GET", "storage/bkt?prefix=durable/")).json.objects;
      assert.ok(objects.some((o: { name: string }) => o.name === "durable/durable.overall_export_metadata"));
    });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test("kill -9 while requests are in flight loses no acknowledged operation", async () => {
    const dataDir = tempDir();
    const acknowledged: string[] = [];
    for (let round = 0; round < 3; round++) {
      const { url, kill } = await spawnEmulator(["--data-dir", dataDir, "--duration-ms", "600000"]);
      // A real process killed mid-request: the sleeps spread the requests around the kill on the wall clock.
      const posts = Array.from({ length: 30 }, async (_, i) => {
        await sleep(i * 3);
        try {
          const response = await fetch(`${url}/v1/${DB}:exportDocuments`, {
            method: "POST",
            body: JSON.stringify({ outputUriPrefix: `gs://bkt/r${round}-${i}` }),
          });
          if (response.ok) acknowledged.push(((await response.json()) as { name: string }).name);
        } catch {
          // In flight when the process died: never acknowledged, so nothing is owed.
        }
      });
      await sleep(20 + round * 25);
      await kill();
      await Promise.all(posts);
    }
    assert.ok(acknowledged.length > 0, "some requests were acknowledged before the kills");
    const { url, kill } = await spawnEmulator(["--data-dir", dataDir]);
    try {
      for (const name of acknowledged) {
        const response = await fetch(`${url}/v1/${name}`);
        assert.equal(response.status, 200, `${name} survived`);
      }
    } finally {
      await kill();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
