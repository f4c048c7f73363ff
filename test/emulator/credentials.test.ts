import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { GoogleAuth } from "google-auth-library";
import { signJwt, writeEmulatorCredentials } from "../../emulator/index";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";
import { repoRoot } from "../support/repo";

const DATASTORE = "https://www.googleapis.com/auth/datastore";

async function exchange(emu: TestEmulator, subjectToken: string) {
  const response = await fetch(`${emu.url}/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: subjectToken,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      scope: DATASTORE,
    }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, string> };
}

describe("emulator credentials", () => {
  test("written into a relative folder, they name absolute paths and work from another folder", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), "emu-creds-"));
      const relative = path.relative(process.cwd(), path.join(folder, "creds"));
      assert.ok(!path.isAbsolute(relative), "the folder is given relative");
      const creds = await writeEmulatorCredentials(emu.url, relative);
      assert.ok(path.isAbsolute(creds.externalAccountFile) && path.isAbsolute(creds.serviceAccountKeyFile));
      const external = JSON.parse(fs.readFileSync(creds.externalAccountFile, "utf8"));
      assert.ok(path.isAbsolute(external.credential_source.file), external.credential_source.file);
      assert.ok(fs.existsSync(external.credential_source.file));

      // A program in another folder (here, a child whose cwd is elsewhere) gets a token with them.
      const script = `
        const { GoogleAuth } = require(${JSON.stringify(require.resolve("google-auth-library"))});
        new GoogleAuth({ keyFile: process.argv[1], scopes: [${JSON.stringify(DATASTORE)}] })
          .getAccessToken().then((t) => console.log(t ? "token" : "none"), (e) => { console.error(e.message); process.exit(1); });`;
      const { stdout } = await promisify(execFile)(process.execPath, ["-e", script, creds.externalAccountFile], {
        cwd: os.tmpdir(),
      });
      assert.equal(stdout.trim(), "token");
    });
  });

  test("an expired subject token is refused naming the command that renews it, which then works", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-creds-"));
      const creds = await writeEmulatorCredentials(emu.url, dir);
      const key = JSON.parse(fs.readFileSync(creds.serviceAccountKeyFile, "utf8"));
      const external = JSON.parse(fs.readFileSync(creds.externalAccountFile, "utf8"));
      const tokenFile: string = external.credential_source.file;
      assert.equal((await exchange(emu, fs.readFileSync(tokenFile, "utf8"))).status, 200, "fresh: accepted");

      // The token file as it is two hours after it was written.
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: key.client_email, sub: key.client_email, aud: key.token_uri, iat: now - 7200 };
      fs.writeFileSync(tokenFile, signJwt(key, { ...claims, exp: now - 3600 }));
      const expired = await exchange(emu, fs.readFileSync(tokenFile, "utf8"));
      assert.equal(expired.status, 400);
      assert.equal(expired.json.error, "invalid_grant");
      const command = `firestore-ops-emulator --emulator-url ${emu.url} --write-credentials DIR`;
      assert.ok(expired.json.error_description?.includes(command), expired.json.error_description);
      assert.match(String(expired.json.error_description), /expired at \d{4}-\d\d-\d\dT/);
      const auth = new GoogleAuth({ keyFile: creds.externalAccountFile, scopes: [DATASTORE] });
      await assert.rejects(auth.getAccessToken(), /--write-credentials/);

      // The command it names, run as the user would (the built CLI), writes fresh files and starts nothing.
      const { stdout } = await promisify(execFile)(process.execPath, [
        path.join(repoRoot(), "dist/emulator/cli.js"),
        "--emulator-url",
        emu.url,
        "--write-credentials",
        dir,
      ]);
      assert.match(stdout, /Wrote .*service-account-key\.json/);
      assert.doesNotMatch(stdout, /listening/);
      const renewed = await exchange(emu, fs.readFileSync(tokenFile, "utf8"));
      assert.equal(renewed.status, 200, JSON.stringify(renewed.json));
      const fresh = new GoogleAuth({ keyFile: creds.externalAccountFile, scopes: [DATASTORE] });
      const token = await fresh.getAccessToken();
      const listed = await emu.call("GET", `/v1/${DB}/operations`, undefined, { authorization: `Bearer ${token}` });
      assert.equal(listed.status, 200);
    });
  });
});
