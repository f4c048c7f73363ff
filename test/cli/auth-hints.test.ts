/**
 * When the server does not accept the credentials, firestore-ops says which ones were sent and what to do: a 401
 * names the setting that gave them (or that none were sent), and credentials the emulator wrote more than an hour
 * ago are refused with the command that writes them again. Through the real bin, against the emulator with
 * `--auth oauth`; each case checks the emulator saw the refusal it is about.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { writeEmulatorCredentials } from "../../emulator/index";
import { runCli } from "../support/cli-harness";
import { DB, withEmulator } from "../support/emulator-client";

const HOUR_MS = 3_600_000;

/** The emulator's request log: status of each request to `endpoint`. */
async function statuses(emu: { control: (method: string, what: string) => Promise<{ json: unknown }> }) {
  const log = (await emu.control("GET", "requests")).json as { requests: { endpoint?: string; status: number }[] };
  return log.requests.map((r) => `${r.endpoint ?? "?"} ${r.status}`);
}

describe("firestore-ops after a 401", () => {
  test("a refused --access-token: names the flag and how to get a new token", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const result = await runCli(["list", "--database", DB, "--endpoint", emu.url, "--access-token", "ya29.stale"]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /401 UNAUTHENTICATED/);
      assert.match(
        result.stderr,
        /^The server refused the access token given by --access-token: access tokens last about an hour \(get a new one, e\.g\. "gcloud auth print-access-token"\)/m,
      );
    });
  });

  test("no credentials to an emulator that wants them: says none were sent, and which settings give them", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const result = await runCli(["list", "--database", DB, "--endpoint", emu.url]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /401 UNAUTHENTICATED/);
      assert.match(
        result.stderr,
        /^No credentials were sent .*its dev token in --access-token, or the external-account file --write-credentials wrote in GOOGLE_APPLICATION_CREDENTIALS\.$/m,
      );
    });
  });
});

test("emulator credentials written more than an hour ago: the error says how to write them again", async () => {
  let offset = 0;
  await withEmulator({ auth: "oauth", now: () => Date.now() + offset }, async (emu) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "firestore-ops-expired-"));
    try {
      const creds = await writeEmulatorCredentials(emu.url, dir);
      const env = { GOOGLE_APPLICATION_CREDENTIALS: creds.externalAccountFile, GOOGLE_CLOUD_PROJECT: "demo-project" };
      const fresh = await runCli(["list", "--database", DB, "--endpoint", emu.url], { env });
      assert.equal(fresh.code, 0, `the credentials work while fresh: ${fresh.stderr}`);

      offset = 2 * HOUR_MS;
      const expired = await runCli(["list", "--database", DB, "--endpoint", emu.url], { env });
      assert.equal(expired.code, 1, expired.stderr);
      assert.ok((await statuses(emu)).includes("token 400"), "the emulator refused the expired subject token");
      assert.match(expired.stderr, /could not get an access token from 127\.0\.0\.1:\d+: HTTP 400: invalid_grant/);
      const url = emu.url.replace(/[.]/g, "\\.");
      assert.match(
        expired.stderr,
        new RegExp(`firestore-ops-emulator --emulator-url ${url} --write-credentials DIR \\(DIR: the folder`),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
