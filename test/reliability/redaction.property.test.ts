/**
 * Generated secrets through every error path: a credentials value that is not JSON (raw, a PEM block, base64
 * of a key file), a key that cannot sign, a token endpoint that refuses and echoes what it was sent, an Admin
 * API server that echoes the Authorization header, a provider configured with them, and firestore-ops. None
 * may appear in String(error), error.message, util.inspect(error, { depth: 10 }) or the command's output.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import * as util from "node:util";
import fc from "fast-check";
import { FirestoreAdminClient } from "../../client/admin-client";
import { createAuthHeaders } from "../../client/auth-headers";
import { Transport } from "../../client/transport";
import { settingsFromPulumiConfig } from "../../provider/config-keys";
import { providerFor } from "../../provider/runtime";
import { runCli } from "../support/cli-harness";

const DB = "projects/demo-project/databases/(default)";
const NAME = `${DB}/operations/AS-secret`;

/** Token-shaped secrets: what access tokens, key bodies and subject tokens are made of. */
const secretArb = fc.stringMatching(/^[A-Za-z0-9._~+/-]{20,60}$/).filter((s) => /[A-Za-z]/.test(s) && /\d/.test(s));

function assertHidden(error: unknown, secret: string, where: string): void {
  const views = [String(error), (error as Error)?.message ?? "", util.inspect(error, { depth: 10 })];
  for (const view of views) {
    assert.ok(!view.includes(secret), `${where}: the secret was printed:\n${view.slice(0, 2_000)}`);
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected an error");
}

function pem(body: string): string {
  return `-----BEGIN PRIVATE KEY-----\n${body}\n${body}\n-----END PRIVATE KEY-----\n`;
}

/** A server that answers every request with an error quoting all it received: headers and body. */
let echoBody = "";
const echo = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => {
    body += chunk.toString();
  });
  req.on("end", () => {
    echoBody = body;
    const quoted = `you sent ${JSON.stringify(req.headers)} and ${body}`;
    if (req.url?.startsWith("/token")) {
      res.writeHead(400, { "content-type": "application/json" });
      // google-auth-library used to render an object `error` as "[object Object]".
      res.end(JSON.stringify({ error: { code: 400, message: quoted }, error_description: quoted }));
      return;
    }
    res.writeHead(400, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: 400, status: "INVALID_ARGUMENT", message: quoted } }));
  });
});
let origin = "";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "redaction-"));

before(async () => {
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});
after(async () => {
  echo.closeAllConnections();
  await new Promise((resolve) => echo.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

const settingsWith = (config: Record<string, string>) =>
  settingsFromPulumiConfig({ get: (key) => config[key] }, { FIRESTORE_CUSTOM_ENDPOINT: `${origin}/v1/` });

describe("no generated secret reaches an error", () => {
  test("credentials values that are not JSON: raw, a PEM block, base64 of a key file", () => {
    fc.assert(
      fc.property(secretArb, fc.constantFrom("raw", "pem", "base64", "broken-json"), (secret, form) => {
        const value =
          form === "raw"
            ? secret
            : form === "pem"
              ? pem(secret)
              : form === "base64"
                ? Buffer.from(JSON.stringify({ type: "service_account", private_key: secret })).toString("base64")
                : `{"type": "service_account", "private_key": "${secret}"`;
        const hidden = form === "base64" ? value : secret;
        let error: unknown;
        try {
          createAuthHeaders(settingsWith({ "gcp:credentials": value }));
        } catch (e) {
          error = e;
        }
        assert.ok(error, "accepted");
        assert.equal((error as Error).name, "InvalidInputError");
        assertHidden(error, hidden, form);
      }),
      { numRuns: 200 },
    );
  });

  test("a service-account key that cannot sign: a CredentialsError without the key", async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, async (secret) => {
        const key = {
          type: "service_account",
          client_email: "sa@demo-project.iam.gserviceaccount.com",
          private_key: pem(secret),
        };
        const auth = createAuthHeaders(settingsWith({ "gcp:credentials": JSON.stringify(key) }));
        const error = await rejection(auth.headers(`${origin}/v1/${NAME}`));
        assertHidden(error, secret, "signing");
      }),
      { numRuns: 10 },
    );
  });

  test("a token endpoint that refuses and echoes the subject token: one clean line, nothing echoed", async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, async (secret) => {
        const tokenFile = path.join(dir, "subject-token");
        fs.writeFileSync(tokenFile, secret);
        const external = {
          type: "external_account",
          audience: "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q",
          subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
          token_url: `${origin}/token`,
          credential_source: { file: tokenFile },
        };
        const auth = createAuthHeaders(settingsWith({ "gcp:credentials": JSON.stringify(external) }));
        const error = await rejection(auth.headers(`${origin}/v1/${NAME}`));
        assert.equal(new URLSearchParams(echoBody).get("subject_token"), secret, "the token was sent");
        assert.equal((error as Error).name, "CredentialsError", String(error));
        assert.match((error as Error).message, /^could not get an access token from 127\.0\.0\.1:\d+: HTTP 400: /);
        assert.ok(!(error as Error).message.includes("[object Object]"), (error as Error).message);
        assertHidden(error, secret, "token endpoint");
      }),
      { numRuns: 10 },
    );
  });

  test("an Admin API server that echoes the Authorization header and the body", async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, fc.boolean(), async (secret, bearerShaped) => {
        const token = bearerShaped ? `ya29.${secret}` : secret;
        const transport = new Transport({ auth: createAuthHeaders(settingsWith({ "gcp:accessToken": token })) });
        const client = new FirestoreAdminClient(transport, `${origin}/v1/`);
        const error = await rejection(client.get(NAME));
        assert.ok(String(error).includes("you sent"), "the echo reached the message");
        assertHidden(error, secret, "echoing server");
      }),
      { numRuns: 50 },
    );
  });

  test("the provider: a bad credentials value is a check failure naming the field, without the value", async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, async (secret) => {
        const config: Record<string, string> = { "gcp:credentials": pem(secret), "gcp:project": "demo-project" };
        const provider = providerFor("export");
        await provider.configure?.({ config: { get: (key: string) => config[key] } } as never);
        const result = await provider.check({}, { outputUriPrefix: "gs://bkt/x" });
        const failure = result.failures?.[0];
        assert.equal(failure?.property, "gcp:credentials");
        assert.ok(!JSON.stringify(result.failures).includes(secret));
        const error = await rejection(provider.read(NAME, { done: false } as never));
        assert.ok(!util.inspect(error).includes("    at "), `a stack trace: ${util.inspect(error)}`);
        assertHidden(error, secret, "provider read");
      }),
      { numRuns: 5 },
    );
  });
});

describe("firestore-ops output", () => {
  test("a token the server echoes, and a credentials value that is a key: never on stderr or stdout", async () => {
    const secrets = fc.sample(secretArb, 3);
    for (const secret of secrets) {
      const echoed = await runCli(["describe", NAME, "--endpoint", `${origin}/v1/`], {
        env: { GOOGLE_OAUTH_ACCESS_TOKEN: secret },
      });
      assert.equal(echoed.code, 1, echoed.stderr);
      assert.match(echoed.stderr, /you sent/);
      const badCredentials = await runCli(["describe", NAME, "--endpoint", "https://firestore.invalid/v1/"], {
        env: { GOOGLE_CREDENTIALS: pem(secret) },
      });
      assert.equal(badCredentials.code, 2, badCredentials.stderr);
      assert.match(badCredentials.stderr, /GOOGLE_CREDENTIALS/);
      for (const result of [echoed, badCredentials]) {
        assert.ok(!`${result.stdout}${result.stderr}`.includes(secret), result.stderr);
        assert.equal(result.stderr.includes("    at "), false, `a stack trace:\n${result.stderr}`);
      }
    }
  });
});
