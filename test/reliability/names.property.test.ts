/**
 * Operation and database names end up in request URLs. For arbitrary and crafted strings: whatever
 * parseOperationName / resolveOperationName / parseDatabaseName accept, FirestoreAdminClient requests on the
 * configured endpoint's origin, on a path of the documented shape, over real HTTP; whatever they refuse is
 * refused with an InvalidInputError naming the field, before any request. A second server plays "another
 * host" (its address is in the crafted names) and must receive nothing.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { FirestoreAdminClient } from "../../client/admin-client";
import { parseDatabaseName, parseOperationName, resolveOperationName } from "../../client/names";
import { type Request, Transport } from "../../client/transport";
import { databaseId, HOSTILE_FRAGMENTS, operationId, projectId } from "../support/arbitraries";

const OPERATION_PATH = /^\/v1\/projects\/[^/]+\/databases\/[^/]+\/operations\/[^/]+(:cancel)?$/;
const START_PATH = /^\/v1\/projects\/[^/]+\/databases\/[^/]+:(exportDocuments|importDocuments|bulkDeleteDocuments)$/;
const NAME_RUNS = 5_000;
const DATABASE_RUNS = 2_000;

interface Seen {
  method: string;
  url: string;
  host: string | undefined;
  authorization: string | undefined;
}

function recordingServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      host: req.headers.host,
      authorization: req.headers.authorization,
    });
    req.resume();
    req.on("end", () => answer(req, res));
  });
  return { server, seen };
}

/** The endpoint: answers like the Admin API, echoing the name it was asked about. */
const endpoint = recordingServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  const segments = url.pathname.split("/").map((s) => decodeURIComponent(s));
  const path = segments.slice(2).join("/"); // after "/v1/"
  res.setHeader("content-type", "application/json");
  if (req.method === "GET") {
    res.end(JSON.stringify({ name: path, metadata: { operationState: "PROCESSING" } }));
  } else if (path.endsWith(":cancel")) {
    res.end("{}");
  } else {
    const database = path.replace(/:[A-Za-z]+$/, "");
    res.end(JSON.stringify({ name: `${database}/operations/started1`, metadata: { operationState: "INITIALIZING" } }));
  }
});
const other = recordingServer((_req, res) => res.end("{}"));

let endpointUrl = "";
let otherHost = "";
let client: FirestoreAdminClient;
const transportUrls: string[] = [];

before(async () => {
  for (const s of [endpoint.server, other.server]) {
    await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  }
  endpointUrl = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}/v1/`;
  otherHost = `127.0.0.1:${(other.server.address() as AddressInfo).port}`;
  const transport = new Transport({
    auth: { headers: async () => ({ authorization: "Bearer test-token" }) },
    attemptTimeoutMs: 5_000,
    maxAttempts: 1,
  });
  // A spy in front of the real transport: the URL as built, before fetch normalizes anything.
  const spy = {
    request: (request: Request) => {
      transportUrls.push(request.url);
      return transport.request(request);
    },
  } as unknown as Transport;
  client = new FirestoreAdminClient(spy, endpointUrl);
});

after(async () => {
  for (const s of [endpoint.server, other.server]) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** Fragments that point elsewhere: the other server's address in the forms URL parsers trip over. */
function offHostFragments(): string[] {
  return [
    `//${otherHost}/`,
    `@${otherHost}`,
    `http://${otherHost}/v1/`,
    `\\\\${otherHost}\\`,
    `/..//${otherHost}/`,
    `%2F%2F${otherHost}%2F`,
    `localhost:${otherHost.split(":")[1]}`,
    `#@${otherHost}`,
    `?@${otherHost}`,
  ];
}

/** A path segment built from hostile fragments (traversal, other hosts, escapes) and harmless text. */
function hostilePieceArb(): fc.Arbitrary<string> {
  const fragment = fc.constantFrom(...HOSTILE_FRAGMENTS, ...offHostFragments());
  return fc
    .array(fc.oneof(fragment, fc.stringMatching(/^[a-z0-9]{1,6}$/)), { minLength: 1, maxLength: 4 })
    .map((p) => p.join(""));
}

/** A valid segment three times in four, else `hostile`. */
function pieceArb(valid: fc.Arbitrary<string>, hostile: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: hostile, weight: 1 });
}

/** Names: arbitrary strings, valid ones, and valid shapes with a hostile piece in one place. */
function nameArb(): fc.Arbitrary<string> {
  const hostilePiece = hostilePieceArb();
  const piece = (valid: fc.Arbitrary<string>) => pieceArb(valid, hostilePiece);
  const tail = fc.oneof(
    { arbitrary: fc.constant(""), weight: 4 },
    { arbitrary: fc.constantFrom("/", "?x", "#y", ":cancel", "\n", "/..", `@${otherHost}`), weight: 1 },
  );
  const shaped = fc
    .tuple(piece(projectId), piece(databaseId), piece(operationId), tail)
    .map(([p, d, o, tail]) => `projects/${p}/databases/${d}/operations/${o}${tail}`);
  const prefixed = fc
    .tuple(
      fc.constantFrom("/", "//", " ", "https://firestore.googleapis.com/v1/", `http://${otherHost}/v1/`, "..", "./"),
      shaped,
    )
    .map(([pre, name]) => pre + name);
  return fc.oneof(
    { arbitrary: shaped, weight: 6 },
    { arbitrary: prefixed, weight: 1 },
    { arbitrary: operationId, weight: 1 },
    { arbitrary: hostilePiece, weight: 1 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 60 }), weight: 1 },
    { arbitrary: fc.string({ unit: "grapheme", maxLength: 60 }), weight: 1 },
  );
}

function databaseArb(): fc.Arbitrary<string | undefined> {
  const hostile = hostilePieceArb();
  const piece = (valid: fc.Arbitrary<string>) => pieceArb(valid, hostile);
  return fc.oneof(
    {
      arbitrary: fc.tuple(piece(projectId), piece(databaseId)).map(([p, d]) => `projects/${p}/databases/${d}`),
      weight: 6,
    },
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: hostile, weight: 1 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 60 }), weight: 1 },
  );
}

function refusedWith(error: unknown, fields: string[]): true {
  assert.ok(error instanceof Error, `not an Error: ${String(error)}`);
  assert.equal(error.name, "InvalidInputError", `${error.name}: ${error.message}`);
  const field = (error as { field?: unknown }).field;
  assert.ok(fields.includes(field as string), `field ${String(field)} is not one of ${fields.join(", ")}`);
  assert.ok(error.message.startsWith(`${String(field)}: `), error.message);
  return true;
}

/** Checks the requests made since `from`: count, origin, path shape, and that the other host saw nothing. */
function assertRequests(from: { server: number; spy: number }, count: number, path: RegExp): void {
  const made = endpoint.seen.slice(from.server);
  const built = transportUrls.slice(from.spy);
  assert.equal(made.length, count, `${made.length} requests reached the endpoint, expected ${count}`);
  assert.equal(built.length, count);
  const origin = new URL(endpointUrl).origin;
  for (const url of built) {
    const parsed = new URL(url);
    assert.equal(parsed.origin, origin, `request built for ${url}`);
    assert.equal(parsed.search, "");
    assert.equal(parsed.hash, "");
    assert.equal(parsed.username + parsed.password, "");
    assert.match(parsed.pathname, path, url);
  }
  for (const seen of made) {
    assert.match(seen.url, path, `the endpoint was asked for ${seen.url}`);
    assert.equal(seen.host, new URL(endpointUrl).host);
    assert.ok(
      !seen.url.split(/[/:]/).some((segment) => segment === ".." || segment === "."),
      `dot segment in ${seen.url}`,
    );
  }
  assert.equal(other.seen.length, 0, `the other host was asked: ${JSON.stringify(other.seen)}`);
}

describe("operation names in request URLs", () => {
  const stats = { runs: 0, parsed: 0, resolved: 0, refused: 0, requests: 0 };

  test(`${NAME_RUNS} names: accepted ones request only <endpoint>/v1/projects/P/databases/D/operations/ID[:cancel]`, async (t) => {
    await fc.assert(
      fc.asyncProperty(nameArb(), databaseArb(), async (name, database) => {
        stats.runs++;
        // parseOperationName: accepted means a full, clean name.
        let parsed: string | undefined;
        try {
          const p = parseOperationName(name, "spec.operation");
          parsed = `projects/${p.project}/databases/${p.database}/operations/${p.id}`;
          assert.equal(parsed, name, "an accepted full name is kept as is");
          stats.parsed++;
        } catch (error) {
          refusedWith(error, ["spec.operation"]);
        }
        // resolveOperationName: a full name, or a bare id with a database.
        let resolved: string | undefined;
        try {
          resolved = resolveOperationName(name, database, "spec.operation");
          stats.resolved++;
        } catch (error) {
          refusedWith(error, ["spec.operation", "database"]);
        }
        if (parsed !== undefined) assert.equal(resolved, parsed);

        for (const accepted of new Set([parsed, resolved])) {
          if (accepted === undefined) continue;
          const from = { server: endpoint.seen.length, spy: transportUrls.length };
          const view = await client.get(accepted);
          assert.equal(view.name, accepted, "the server was asked about exactly this operation");
          await client.cancel(accepted);
          assertRequests(from, 2, OPERATION_PATH);
          stats.requests += 2;
        }
        // Names the parser refuses never reach the network.
        if (parsed === undefined) {
          stats.refused++;
          const from = { server: endpoint.seen.length, spy: transportUrls.length };
          await assert.rejects(client.get(name), (error) => refusedWith(error, ["operationName"]));
          await assert.rejects(client.cancel(name), (error) => refusedWith(error, ["operationName"]));
          assertRequests(from, 0, OPERATION_PATH);
        }
      }),
      { numRuns: NAME_RUNS },
    );
    t.diagnostic(JSON.stringify(stats));
    assert.ok(stats.runs >= NAME_RUNS);
    assert.ok(stats.parsed > NAME_RUNS / 10, "enough accepted full names went over HTTP");
    assert.ok(stats.resolved > stats.parsed, "bare ids were resolved too");
    assert.ok(stats.refused > NAME_RUNS / 10, "enough hostile names were refused");
  });

  test(`${DATABASE_RUNS} database names: start() requests only <endpoint>/v1/projects/P/databases/D:method`, async (t) => {
    const dbStats = { runs: 0, accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        databaseArb(),
        fc.constantFrom("exportDocuments", "importDocuments", "bulkDeleteDocuments" as const),
        async (database, method) => {
          dbStats.runs++;
          if (database === undefined) return;
          let ok = true;
          try {
            parseDatabaseName(database, "spec.database");
          } catch (error) {
            refusedWith(error, ["spec.database"]);
            ok = false;
          }
          const from = { server: endpoint.seen.length, spy: transportUrls.length };
          const body = { outputUriPrefix: "gs://bkt/x", inputUriPrefix: "gs://bkt/x" };
          if (ok) {
            dbStats.accepted++;
            const view = await client.start(method as "exportDocuments", database, body);
            assert.equal(view.name, `${database}/operations/started1`);
            assertRequests(from, 1, START_PATH);
          } else {
            dbStats.refused++;
            await assert.rejects(client.start(method as "exportDocuments", database, body), (error) =>
              refusedWith(error, ["database"]),
            );
            assertRequests(from, 0, START_PATH);
          }
        },
      ),
      { numRuns: DATABASE_RUNS },
    );
    t.diagnostic(JSON.stringify(dbStats));
    assert.ok(dbStats.accepted > DATABASE_RUNS / 10 && dbStats.refused > DATABASE_RUNS / 20);
  });

  test("crafted names: the off-host, traversal and encoding tricks are all refused", async () => {
    const db = "projects/demo-project/databases/(default)";
    const crafted = [
      `${db}/operations/..`,
      `${db}/operations/.`,
      `${db}/operations/a/../../../../x`,
      `${db}/operations/a?x=1`,
      `${db}/operations/a#frag`,
      `${db}/operations/a%2F..%2Fb`,
      `${db}/operations/%2e%2e`,
      `${db}/operations/a:cancel`,
      `${db}/operations/a\nb`,
      `${db}/operations/a\\..\\b`,
      `${db}/operations/a@${otherHost}`,
      `${db}/operations//${otherHost}/x`,
      `${db}/operations/é`,
      `${db}/operations/`,
      `projects/demo-project/databases/(default)/operations/abc/`,
      `projects/../databases/(default)/operations/abc`,
      `projects/demo-project/databases/../operations/abc`,
      `projects/${otherHost}/databases/(default)/operations/abc`,
      `projects/demo-project@${otherHost}/databases/(default)/operations/abc`,
      `projects/demo%2Dproject/databases/(default)/operations/abc`,
      `projects/DEMO-PROJECT/databases/(default)/operations/abc`,
      `projects/demo-project/databases/(Default)/operations/abc`,
      `/projects/demo-project/databases/(default)/operations/abc`,
      `//${otherHost}/v1/projects/demo-project/databases/(default)/operations/abc`,
      `http://${otherHost}/v1/projects/demo-project/databases/(default)/operations/abc`,
      `projects/demo-project/databases/(default)/operations/abc\u0000`,
      `projects/demo-project/databases/(default)/operations/abc\u2028`,
      ` projects/demo-project/databases/(default)/operations/abc`,
    ];
    const from = { server: endpoint.seen.length, spy: transportUrls.length };
    for (const name of crafted) {
      assert.throws(
        () => parseOperationName(name),
        (e) => refusedWith(e, ["operationName"]),
        name,
      );
      assert.throws(
        () => resolveOperationName(name, db),
        (e) => refusedWith(e, ["operationName"]),
        JSON.stringify(name),
      );
      await assert.rejects(client.get(name), (e) => refusedWith(e, ["operationName"]));
    }
    assertRequests(from, 0, OPERATION_PATH);
    // Bare ids with a hostile database: the database is refused, by name.
    for (const database of [
      `projects/${otherHost}/databases/x`,
      "projects/demo-project/databases/..",
      `//${otherHost}`,
    ]) {
      assert.throws(
        () => resolveOperationName("abc", database),
        (e) => refusedWith(e, ["database"]),
      );
    }
    assert.throws(
      () => resolveOperationName("abc", undefined),
      (e) => refusedWith(e, ["database"]),
    );
  });
});
