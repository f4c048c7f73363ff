import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEV_TOKEN } from "../../emulator/index";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";
import { spawnEmulator } from "../support/emulator-process";
import { type RawReply, rawRequest } from "../support/raw-http";

const EXPORT_PATH = `/v1/${DB}:exportDocuments`;
const EXPORT_BODY = JSON.stringify({ outputUriPrefix: "gs://bkt/p" });

const port = (emu: TestEmulator): string => new URL(emu.url).port;
const operationCount = async (emu: TestEmulator): Promise<number> =>
  (await emu.control("GET", "operations")).json.operations.length;
const keyCount = (emu: TestEmulator): number => emu.emulator.auth.state.keys.length;

function assertRefused(reply: RawReply, why: RegExp): void {
  assert.equal(reply.status, 403, reply.text);
  assert.equal(reply.json.error.status, "PERMISSION_DENIED");
  assert.match(reply.json.error.message, why);
  assert.equal(reply.headers["access-control-allow-origin"], undefined, "no CORS grant");
}

/** An export POST with these headers; the body is sent as a page's "simple" request would send it. */
const postExport = (emu: TestEmulator, headers: Record<string, string>) =>
  rawRequest(emu.url, "POST", EXPORT_PATH, { "content-type": "text/plain", ...headers }, EXPORT_BODY);

describe("request origin: Host", () => {
  test("a Host that names another site (DNS rebinding) is refused on the API, the control API and /token", async () => {
    await withEmulator({}, async (emu) => {
      const host = `attacker.example:${port(emu)}`;
      assertRefused(await postExport(emu, { host }), /Host header "attacker\.example:\d+" does not name this emulator/);
      const key = await rawRequest(
        emu.url,
        "POST",
        "/emulator/v1/serviceAccountKeys",
        { host, "content-type": "application/json" },
        JSON.stringify({ projectId: "demo-project" }),
      );
      assertRefused(key, /Host header/);
      const behaviour = await rawRequest(
        emu.url,
        "PATCH",
        "/emulator/v1/behaviour",
        { host },
        JSON.stringify({ failureRate: 1 }),
      );
      assertRefused(behaviour, /Host header/);
      const token = await rawRequest(
        emu.url,
        "POST",
        "/token",
        { host, "content-type": "application/x-www-form-urlencoded" },
        "grant_type=x",
      );
      assertRefused(token, /Host header/);
      // Nothing happened: the same requests with the emulator's own Host do take effect.
      assert.equal(await operationCount(emu), 0);
      assert.equal(keyCount(emu), 0);
      assert.equal(emu.emulator.behaviour.failureRate, 0);
      assert.equal((await postExport(emu, { host: `127.0.0.1:${port(emu)}` })).status, 200);
      assert.equal(await operationCount(emu), 1, "the refusals above were not for want of a valid request");
    });
  });

  test("loopback names and addresses with the emulator's port are served; another port or none is refused", async () => {
    await withEmulator({}, async (emu) => {
      for (const host of [
        `127.0.0.1:${port(emu)}`,
        `localhost:${port(emu)}`,
        `LOCALHOST:${port(emu)}`,
        `localhost.:${port(emu)}`,
        `app.localhost:${port(emu)}`,
        `[::1]:${port(emu)}`,
        `127.1.2.3:${port(emu)}`,
      ]) {
        const reply = await rawRequest(emu.url, "GET", `/v1/${DB}/operations`, { host });
        assert.equal(reply.status, 200, `${host}: ${reply.text}`);
      }
      const otherPort = String((Number(port(emu)) % 65535) + 1);
      for (const host of [
        `127.0.0.1:${otherPort}`,
        "localhost",
        `127.0.0.1.attacker.example:${port(emu)}`,
        `localhost.attacker.example:${port(emu)}`,
        `10.0.0.1:${port(emu)}`,
        `127.0.0.1:${port(emu)}x`,
        `[::1:${port(emu)}`,
      ]) {
        assertRefused(await rawRequest(emu.url, "GET", `/v1/${DB}/operations`, { host }), /Host header/);
      }
    });
  });

  test("allowedHosts adds names clients may use", async () => {
    await withEmulator({ allowedHosts: ["Emulator.Test"] }, async (emu) => {
      const served = await rawRequest(emu.url, "GET", `/v1/${DB}/operations`, { host: `emulator.test:${port(emu)}` });
      assert.equal(served.status, 200, served.text);
      assertRefused(
        await rawRequest(emu.url, "GET", `/v1/${DB}/operations`, { host: `other.test:${port(emu)}` }),
        /localhost, 127\.0\.0\.1, \[::1\]\), emulator\.test or an address it listens on/,
      );
    });
  });
});

describe("request origin: browsers", () => {
  test("a cross-site page's simple POST is refused and starts nothing, also with --auth oauth and the dev token", async () => {
    for (const auth of ["none", "oauth"] as const) {
      await withEmulator({ auth }, async (emu) => {
        const host = `127.0.0.1:${port(emu)}`;
        const credentials = auth === "oauth" ? { authorization: `Bearer ${DEV_TOKEN}` } : {};
        for (const headers of [
          { origin: "https://attacker.example" },
          { origin: "null" },
          { origin: `http://localhost:${port(emu)}` },
          { "sec-fetch-site": "cross-site" },
          { "sec-fetch-site": "same-site" },
          { origin: "https://attacker.example", "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" },
        ]) {
          const reply = await postExport(emu, { host, ...credentials, ...headers });
          assertRefused(reply, /cross-(origin|site)/);
        }
        assert.equal(await operationCount(emu), 0);
        // The same request from a program (no Origin), or the emulator's own origin, is served.
        assert.equal((await postExport(emu, { host, ...credentials })).status, 200);
        assert.equal((await postExport(emu, { host, ...credentials, origin: `http://${host}` })).status, 200);
        assert.equal((await postExport(emu, { host, ...credentials, "sec-fetch-site": "none" })).status, 200);
        assert.equal((await postExport(emu, { host, ...credentials, "sec-fetch-site": "same-origin" })).status, 200);
        assert.equal(await operationCount(emu), 4);
      });
    }
  });

  test("a preflight from a page gets no CORS grant", async () => {
    await withEmulator({}, async (emu) => {
      const reply = await rawRequest(emu.url, "OPTIONS", EXPORT_PATH, {
        host: `127.0.0.1:${port(emu)}`,
        origin: "https://attacker.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      });
      assertRefused(reply, /Origin header "https:\/\/attacker\.example"/);
    });
  });

  test("Node's fetch, which sends no Origin, is served (the request log shows it arrived)", async () => {
    await withEmulator({}, async (emu) => {
      const reply = await fetch(`${emu.url}${EXPORT_PATH}`, { method: "POST", body: EXPORT_BODY });
      assert.equal(reply.status, 200, await reply.text());
      assert.equal(emu.emulator.log.since(0).filter((e) => e.endpoint === "exportDocuments").length, 1);
    });
  });
});

describe("request origin: the CLI", () => {
  test("--host 0.0.0.0 is refused without --allowed-host, in one line; with it, the printed URL and the name work", async () => {
    // Bound for an instant only (the refusal), then loopback traffic only: nothing leaves the machine.
    await assert.rejects(
      spawnEmulator(["--host", "0.0.0.0"]),
      /exited early \(2\): firestore-ops-emulator: refusing to listen on 0\.0\.0\.0.*--allowed-host NAME/,
    );
    const emulator = await spawnEmulator(["--host", "0.0.0.0", "--allowed-host", "emulator.test"]);
    try {
      assert.match(emulator.url, /^http:\/\/0\.0\.0\.0:\d+$/);
      const { port } = new URL(emulator.url);
      const printed = await rawRequest(emulator.url, "GET", `/v1/${DB}/operations`, { host: `0.0.0.0:${port}` });
      assert.equal(printed.status, 200, printed.text);
      const named = await rawRequest(emulator.url, "GET", `/v1/${DB}/operations`, { host: `emulator.test:${port}` });
      assert.equal(named.status, 200, named.text);
      assertRefused(
        await rawRequest(emulator.url, "GET", `/v1/${DB}/operations`, { host: `attacker.example:${port}` }),
        /Host header/,
      );
      assert.match(emulator.output(), /warning: listening on 0\.0\.0\.0.*emulator\.test/);
    } finally {
      await emulator.kill();
    }
  });
});
