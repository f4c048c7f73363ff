/**
 * An endpoint on a port Node's fetch refuses (the Fetch standard's "bad ports": 6000, 10080, ...) can never be
 * reached: the endpoint setting's check says so, naming the setting as each front end names it, before anything
 * is sent. The list in client/fetch-ports.ts is checked against the runtime's own fetch, asked without sending.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import { describe, test } from "node:test";
import { FETCH_BAD_PORTS } from "../../client/fetch-ports";
import { inTermsOf } from "../../client/setting-error";
import { settingsFrom } from "../../client/settings";
import { pulumiSettingName, settingsFromPulumiConfig } from "../../provider/config-keys";
import { runCli } from "../support/cli-harness";

/** Every port the standard lists is at most this; the check below covers a margin beyond it too. */
const HIGHEST_CHECKED_PORT = 12_000;

/**
 * Asks the runtime's fetch whether it refuses `port`, without sending: the dispatcher it would hand an allowed
 * request to fails that request at once. A refused port never reaches the dispatcher.
 */
async function fetchRefuses(port: number): Promise<boolean> {
  let dispatched = false;
  const dispatcher = {
    dispatch(_options: unknown, handler: { onError(error: Error): void }): boolean {
      dispatched = true;
      handler.onError(new Error("not sent"));
      return true;
    },
  };
  try {
    await fetch(`http://127.0.0.1:${port}/`, { dispatcher } as RequestInit);
  } catch (error) {
    const refused = (error as { cause?: { message?: string } }).cause?.message === "bad port";
    assert.equal(refused, !dispatched, `port ${port}: refused without dispatching, or dispatched`);
    return refused;
  }
  assert.fail(`port ${port}: the probe dispatcher let a request succeed`);
}

describe("an endpoint port fetch refuses", () => {
  test("FETCH_BAD_PORTS is exactly what this runtime's fetch refuses", async () => {
    const refused: number[] = [];
    for (let port = 1; port <= HIGHEST_CHECKED_PORT; port++) if (await fetchRefuses(port)) refused.push(port);
    assert.deepEqual(
      refused,
      [...FETCH_BAD_PORTS].sort((a, b) => a - b),
    );
    assert.ok(Math.max(...FETCH_BAD_PORTS) < HIGHEST_CHECKED_PORT);
  });

  for (const port of [6000, 10080, 5060]) {
    test(`port ${port}: the endpoint setting is refused, naming it (client and stack config)`, () => {
      const endpoint = `http://127.0.0.1:${port}/v1/`;
      const pattern = new RegExp(`port ${port} is one Node's fetch refuses to connect to`);
      assert.throws(() => settingsFrom((setting) => (setting === "endpoint" ? endpoint : undefined), {}), {
        name: "InvalidInputError",
        field: "endpoint",
        message: pattern,
      });
      const config: Record<string, string> = { "gcp:firestoreCustomEndpoint": endpoint };
      assert.throws(
        () => {
          try {
            settingsFromPulumiConfig({ get: (key) => config[key] }, {});
          } catch (error) {
            throw inTermsOf(error, pulumiSettingName);
          }
        },
        { name: "InvalidInputError", field: "gcp:firestoreCustomEndpoint", message: pattern },
      );
    });
  }

  test("ports fetch allows pass (8085, 443 by default, 65535)", () => {
    for (const endpoint of [
      "http://127.0.0.1:8085/v1/",
      "https://firestore.googleapis.com/v1/",
      "http://[::1]:65535",
    ]) {
      assert.doesNotThrow(() => settingsFrom((setting) => (setting === "endpoint" ? endpoint : undefined), {}));
    }
  });

  test("firestore-ops --endpoint on port 10080: a usage error naming --endpoint, nothing sent", async () => {
    // Something listens there, so that a request fetch did send would be counted.
    let connections = 0;
    const server = http.createServer((_req, res) => res.end("{}"));
    server.on("connection", () => connections++);
    const listening = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(10080, "127.0.0.1", () => resolve(true));
    });
    try {
      const result = await runCli([
        "list",
        "--database",
        "projects/demo-project/databases/(default)",
        "--endpoint",
        "http://127.0.0.1:10080",
      ]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /--endpoint: port 10080 is one Node's fetch refuses to connect to/);
      assert.doesNotMatch(result.stderr, /no response/);
      if (listening) assert.equal(connections, 0);
    } finally {
      server.close();
    }
  });
});
