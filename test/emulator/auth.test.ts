import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { GoogleAuth } from "google-auth-library";
import { DEV_TOKEN, Emulator, signJwt, writeEmulatorCredentials } from "../../emulator/index";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";
import { spawnEmulator } from "../support/emulator-process";

const DATASTORE = "https://www.googleapis.com/auth/datastore";
const list = (emu: TestEmulator, token?: string) =>
  emu.call("GET", `/v1/${DB}/operations`, undefined, token ? { authorization: `Bearer ${token}` } : {});

async function tokenFor(emu: TestEmulator, form: Record<string, string>) {
  const response = await fetch(`${emu.url}/token`, { method: "POST", body: new URLSearchParams(form) });
  return { status: response.status, json: (await response.json()) as Record<string, string> };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "emu-auth-"));
}

describe("auth", () => {
  test("with --auth none, no credentials are needed", async () => {
    await withEmulator({}, async (emu) => {
      assert.equal((await list(emu)).status, 200);
    });
  });

  test("with --auth oauth: 401 without or with a bad token, 200 with the dev token", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const missing = await list(emu);
      assert.equal(missing.status, 401);
      assert.equal(missing.json.error.status, "UNAUTHENTICATED");
      assert.ok(missing.headers.get("www-authenticate"));
      assert.equal((await list(emu, "ya29.forged")).status, 401);
      assert.equal((await list(emu, "ya29.emu.eyJzdWIiOiJ4In0.AAAA")).status, 401, "a token with a bad signature");
      assert.equal((await list(emu, DEV_TOKEN)).status, 200);
      assert.equal((await emu.call("GET", `/v1/${DB}/operations?access_token=${DEV_TOKEN}`)).status, 200);
    });
  });

  test("JWT-bearer grant (RFC 7523) with an issued key; verified against the key's public half", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const key = (await emu.control("POST", "serviceAccountKeys", { projectId: "demo-project" })).json;
      assert.equal(key.type, "service_account");
      assert.equal(key.token_uri, `${emu.url}/token`);
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: key.client_email, scope: DATASTORE, aud: key.token_uri, iat: now, exp: now + 3600 };
      const granted = await tokenFor(emu, {
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion: signJwt(key, claims),
      });
      assert.equal(granted.status, 200);
      assert.equal(granted.json.token_type, "Bearer");
      assert.equal((await list(emu, granted.json.access_token)).status, 200);

      const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
        type: "pkcs8",
        format: "pem",
      });
      const forged = await tokenFor(emu, {
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion: signJwt({ private_key: stranger.toString(), private_key_id: key.private_key_id }, claims),
      });
      assert.equal(forged.status, 400);
      assert.equal(forged.json.error, "invalid_grant");
      const expired = await tokenFor(emu, {
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion: signJwt(key, { ...claims, iat: now - 7200, exp: now - 3600 }),
      });
      assert.equal(expired.json.error, "invalid_grant");
      const unknownGrant = await tokenFor(emu, { grant_type: "password" });
      assert.equal(unknownGrant.json.error, "unsupported_grant_type");
    });
  });

  test("a token without the datastore or cloud-platform scope gets 403", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const key = (await emu.control("POST", "serviceAccountKeys", {})).json;
      const now = Math.floor(Date.now() / 1000);
      const granted = await tokenFor(emu, {
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion: signJwt(key, {
          iss: key.client_email,
          scope: "https://www.googleapis.com/auth/userinfo.email",
          aud: key.token_uri,
          iat: now,
          exp: now + 600,
        }),
      });
      const reply = await list(emu, granted.json.access_token);
      assert.equal(reply.status, 403);
      assert.equal(reply.json.error.status, "PERMISSION_DENIED");
      assert.match(reply.json.error.message, /insufficient authentication scopes/);
    });
  });

  test("google-auth-library, unmodified, completes the flow from the written credential file", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const dir = tempDir();
      const creds = await writeEmulatorCredentials(emu.url, dir);
      assert.equal(fs.statSync(creds.externalAccountFile).mode & 0o077, 0, "credential files are private");
      const auth = new GoogleAuth({ keyFile: creds.externalAccountFile, scopes: [DATASTORE] });
      const client = await auth.getClient();
      const response = await client.request<{ operations?: unknown[] }>({ url: `${emu.url}/v1/${DB}/operations` });
      assert.equal(response.status, 200);
      const log = (await emu.control("GET", "requests")).json.requests;
      assert.ok(
        log.some((e: { endpoint?: string; status: number }) => e.endpoint === "token" && e.status === 200),
        "the token came from the emulator",
      );

      const narrow = new GoogleAuth({
        keyFile: creds.externalAccountFile,
        scopes: ["https://www.googleapis.com/auth/userinfo.email"],
      });
      await assert.rejects(
        (await narrow.getClient()).request({ url: `${emu.url}/v1/${DB}/operations` }),
        (error: { status?: number }) => error.status === 403,
      );
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });
});

describe("auth limits", () => {
  const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

  test("both grants need the token endpoint's exact URL as audience", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const key = (await emu.control("POST", "serviceAccountKeys", {})).json;
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: key.client_email, sub: key.client_email, scope: DATASTORE, iat: now, exp: now + 600 };
      const bearer = (aud: unknown) =>
        tokenFor(emu, { grant_type: JWT_BEARER, assertion: signJwt(key, { ...claims, aud }) });
      const exchange = (aud: unknown) =>
        tokenFor(emu, {
          grant_type: TOKEN_EXCHANGE,
          subject_token: signJwt(key, { ...claims, aud }),
          subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
          scope: DATASTORE,
        });
      assert.equal(key.token_uri, `${emu.url}/token`);
      for (const grant of [bearer, exchange]) {
        assert.equal((await grant(key.token_uri)).status, 200, "the served URL is accepted");
        for (const aud of [
          "https://evil.example/token",
          `${emu.url}/token/`,
          `${emu.url}/x/token`,
          undefined,
          [key.token_uri],
        ]) {
          const refused = await grant(aud);
          assert.equal(refused.status, 400, JSON.stringify(aud));
          assert.equal(refused.json.error, "invalid_grant");
          assert.match(
            String(refused.json.error_description),
            new RegExp(`Failed audience check. The right audience is ${emu.url}/token`),
          );
        }
      }
    });
  });

  test("both grants refuse assertions that live longer than an hour", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const key = (await emu.control("POST", "serviceAccountKeys", {})).json;
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: key.client_email, sub: key.client_email, scope: DATASTORE, aud: key.token_uri };
      const bearer = (times: object) =>
        tokenFor(emu, { grant_type: JWT_BEARER, assertion: signJwt(key, { ...claims, ...times }) });
      const exchange = (times: object) =>
        tokenFor(emu, {
          grant_type: TOKEN_EXCHANGE,
          subject_token: signJwt(key, { ...claims, ...times }),
          subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
          scope: DATASTORE,
        });
      for (const grant of [bearer, exchange]) {
        assert.equal((await grant({ iat: now, exp: now + 3600 })).status, 200, "exactly an hour is fine");
        for (const times of [
          { iat: now, exp: now + 3601 },
          { iat: now, exp: now + 7 * 24 * 3600 },
          { exp: now + 2 * 3600 },
        ]) {
          const refused = await grant(times);
          assert.equal(refused.status, 400, JSON.stringify(times));
          assert.match(String(refused.json.error_description), /short-lived token \(60 minutes\)/);
        }
      }
    });
  });

  test("the written credential files hold a subject token of at most an hour", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const dir = tempDir();
      try {
        await assert.rejects(
          writeEmulatorCredentials(emu.url, dir, { subjectTokenLifetimeSeconds: 7200 }),
          /1 to 3600/,
        );
        await writeEmulatorCredentials(emu.url, dir);
        const jwt = fs.readFileSync(path.join(dir, "subject-token.jwt"), "utf8");
        const claims = JSON.parse(Buffer.from(jwt.split(".")[1] as string, "base64url").toString());
        assert.equal(claims.exp - claims.iat, 3600);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  test('devToken "" accepts no static token; a custom one replaces the default', async () => {
    await withEmulator({ auth: "oauth", devToken: "" }, async (emu) => {
      assert.equal((await list(emu, DEV_TOKEN)).status, 401);
      const empty = await emu.call("GET", `/v1/${DB}/operations`, undefined, { authorization: "Bearer " });
      assert.equal(empty.status, 401);
      assert.equal((await emu.call("GET", `/v1/${DB}/operations?access_token=`)).status, 401);
    });
    await withEmulator({ auth: "oauth", devToken: "mine" }, async (emu) => {
      assert.equal((await list(emu, DEV_TOKEN)).status, 401);
      assert.equal((await list(emu, "mine")).status, 200);
    });
  });

  test('the CLI: --dev-token "" disables the dev token', async () => {
    const emulator = await spawnEmulator(["--auth", "oauth", "--dev-token", ""]);
    try {
      const response = await fetch(`${emulator.url}/v1/${DB}/operations`, {
        headers: { authorization: `Bearer ${DEV_TOKEN}` },
      });
      assert.equal(response.status, 401);
    } finally {
      await emulator.kill();
    }
  });

  test("a non-loopback address is refused without allowed hosts, and warns with them; loopback does neither", async () => {
    const lines: string[] = [];
    const loopback = new Emulator({ log: (line) => lines.push(line) });
    await loopback.listen(0, "127.0.0.1");
    await loopback.close();
    assert.equal(lines.length, 0, lines.join("\n"));
    // Bound for an instant only, and closed at once: no test traffic leaves loopback.
    const refused = new Emulator({ log: (line) => lines.push(line) });
    await assert.rejects(refused.listen(0, "0.0.0.0"), /refusing to listen on 0\.0\.0\.0.*--allowed-host NAME/);
    await refused.close();
    const open = new Emulator({ allowedHosts: ["emulator"], log: (line) => lines.push(line) });
    await open.listen(0, "0.0.0.0");
    await open.close();
    assert.equal(lines.length, 1);
    assert.match(
      String(lines[0]),
      /warning: listening on 0\.0\.0\.0, which is not a loopback address.*emulator.*control API/,
    );
  });
});
