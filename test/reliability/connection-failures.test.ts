/**
 * Failures before a request reaches a server (a refused connection, a TLS handshake that fails) are definite:
 * not ambiguous, not retried beyond a couple of quick tries, and the message names host:port. And with a loopback
 * endpoint and no credentials, no Application Default Credentials: no metadata server probe, no
 * MetadataLookupWarning.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { FirestoreAdminClient } from "../../client/admin-client";
import { createAuthHeaders } from "../../client/auth-headers";
import { settingsFrom } from "../../client/settings";
import { Transport } from "../../client/transport";
import { createContext } from "../../provider/context";
import { OperationsProvider } from "../../provider/operations-provider";

const DB = "projects/demo-project/databases/(default)";

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function clientAt(endpoint: string): FirestoreAdminClient {
  return new FirestoreAdminClient(new Transport({ auth: { headers: async () => ({}) } }), endpoint);
}

describe("failures before anything was sent", () => {
  test("connection refused: the start POST fails at once, not ambiguous, naming host:port", async () => {
    const port = await freePort();
    const error = await clientAt(`http://127.0.0.1:${port}/v1/`)
      .start("exportDocuments", DB, { outputUriPrefix: "gs://bkt/x" })
      .then(
        () => assert.fail("a start POST to a closed port succeeded"),
        (e: Error & { ambiguous?: boolean }) => e,
      );
    assert.equal(error.name, "ApiRequestError");
    assert.equal(error.ambiguous, false);
    assert.match(
      error.message,
      new RegExp(`could not connect to 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\); nothing was sent`),
    );
  });

  test("connection refused: create reports it at once, with no lookup after the POST", async () => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}/v1/`;
    const settings = settingsFrom((key) => (key === "endpoint" ? endpoint : undefined), {});
    // Every retry the transport makes, so that the requests create sent can be told apart without a server (a
    // refused connection reaches none): the check for running lookalikes before the POST is a list, retried;
    // the POST itself is never retried; a lookup after it would be a second list, retried again.
    const retries: { method: string; path: string; attempt: number }[] = [];
    const context = createContext(settings, undefined, {
      onRetry: ({ method, path, attempt }) => retries.push({ method, path, attempt }),
    });
    const provider = new OperationsProvider("export", () => context);
    const inputs = { database: DB, outputUriPrefix: "gs://bkt/x", waitFor: "started", timeouts: { create: "2h" } };
    const error = await provider.create(inputs).then(
      () => assert.fail("create succeeded against a closed port"),
      (e: Error) => e,
    );
    assert.equal(error.name, "ApiRequestError", error.message);
    assert.match(error.message, /ECONNREFUSED\); nothing was sent/);
    const list = `/v1/${DB}/operations`;
    assert.deepEqual(
      retries,
      [
        { method: "GET", path: list, attempt: 1 },
        { method: "GET", path: list, attempt: 2 },
      ],
      "only the lookalike check before the POST was retried; nothing was looked up after it",
    );
  });

  test("idempotent calls: a couple of quick retries, then the same definite error", async () => {
    const port = await freePort();
    const retries: number[] = [];
    const transport = new Transport({
      auth: { headers: async () => ({}) },
      onRetry: ({ attempt }) => retries.push(attempt),
    });
    await assert.rejects(
      new FirestoreAdminClient(transport, `http://127.0.0.1:${port}/v1/`).get(`${DB}/operations/AS1`),
      /could not connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
    assert.deepEqual(retries, [1, 2], "3 attempts in all");
  });

  test("TLS handshake failure (https to a plain-http server): definite, no HTTP request reached it", async () => {
    let requests = 0;
    let connections = 0;
    const server = http.createServer((_req, res) => {
      requests++;
      res.end("{}");
    });
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const error = await clientAt(`https://127.0.0.1:${port}/v1/`)
        .start("exportDocuments", DB, { outputUriPrefix: "gs://bkt/x" })
        .then(
          () => assert.fail("succeeded"),
          (e: Error & { ambiguous?: boolean }) => e,
        );
      assert.ok(connections > 0, "the client did connect");
      assert.equal(requests, 0);
      assert.equal(error.ambiguous, false, error.message);
      assert.match(
        error.message,
        new RegExp(`trusted TLS connection to 127\\.0\\.0\\.1:${port} \\(\\w+\\); nothing was sent`),
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("Application Default Credentials and the metadata server", () => {
  /** A fake metadata server: GCE_METADATA_HOST points google-auth-library (gcp-metadata) at it. */
  const probes: string[] = [];
  const metadata = http.createServer((req, res) => {
    probes.push(req.url ?? "");
    res.writeHead(200, { "metadata-flavor": "Google", "content-type": "application/json" });
    res.end(req.url?.includes("/token") ? JSON.stringify({ access_token: "metadata-token", expires_in: 3600 }) : "{}");
  });
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(`${warning.name}: ${warning.message}`);
  };
  const emptyConfig = fs.mkdtempSync(path.join(os.tmpdir(), "no-gcloud-"));

  before(async () => {
    await new Promise<void>((resolve) => metadata.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${(metadata.address() as net.AddressInfo).port}`;
    process.env.GCE_METADATA_HOST = host;
    process.env.GCE_METADATA_IP = host;
    process.env.CLOUDSDK_CONFIG = emptyConfig;
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.on("warning", onWarning);
  });
  after(async () => {
    process.off("warning", onWarning);
    metadata.closeAllConnections();
    await new Promise((resolve) => metadata.close(resolve));
    fs.rmSync(emptyConfig, { recursive: true, force: true });
  });

  test("loopback endpoint, no credentials: no probe, no warning, no Authorization header", async () => {
    probes.length = 0;
    warnings.length = 0;
    const settings = settingsFrom(() => undefined, { FIRESTORE_CUSTOM_ENDPOINT: "http://127.0.0.1:8085" });
    const headers = await createAuthHeaders(settings).headers(`${settings.endpoint}${DB}/operations/AS1`);
    assert.deepEqual(headers, {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(probes, []);
    assert.deepEqual(warnings, []);
  });

  test("control: a remote endpoint without credentials does ask the metadata server (so the setup is live)", async () => {
    probes.length = 0;
    const settings = settingsFrom(() => undefined, {});
    const headers = await createAuthHeaders(settings).headers(`${settings.endpoint}${DB}/operations/AS1`);
    assert.ok(probes.length > 0, "the fake metadata server saw no request");
    assert.equal(headers.authorization, "Bearer metadata-token");
  });
});
