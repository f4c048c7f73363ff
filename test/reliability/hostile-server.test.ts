/**
 * FirestoreAdminClient and Transport against a hostile server: a raw node:http server on 127.0.0.1 answers each
 * test with a crafted response. Every case must end in a clear error (MalformedResponseError, ApiRequestError)
 * or a correct parse, within the configured timeouts, without unbounded memory. Then fast-check feeds random
 * Operation-shaped JSON through parseOperation.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import fc from "fast-check";
import { FirestoreAdminClient } from "../../client/admin-client";
import { isFirestoreOperationsError } from "../../client/errors";
import { type OperationView, parseOperation } from "../../client/operation-view";
import { retryAfterHint, retryInfoHint } from "../../client/retry-hint";
import { Transport } from "../../client/transport";
import { OPERATION_STATES } from "../../emulator/wire-format";
import { hostileString, hostileValue } from "../support/arbitraries";

const DB = "projects/demo-project/databases/(default)";
const NAME = `${DB}/operations/AS0123`;
const ATTEMPT_MS = 400;
const MAX_ATTEMPTS = 3;
const BACKOFF_MS = 20;
const CAP = 1024 * 1024;
/** The longest any request may take: every attempt timing out, plus the backoffs, plus scheduling slack. */
const WORST_MS = MAX_ATTEMPTS * ATTEMPT_MS + (MAX_ATTEMPTS - 1) * BACKOFF_MS + 1_000;

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let handler: Handler = (_req, res) => res.end();
let hits: { method: string; url: string }[] = [];
let otherHits: string[] = [];
const server = http.createServer((req, res) => {
  hits.push({ method: req.method ?? "", url: req.url ?? "" });
  req.resume();
  res.on("error", () => {
    // the client hung up on purpose
  });
  handler(req, res);
});
const otherServer = http.createServer((req, res) => {
  otherHits.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
  res.end("{}");
});
let endpoint = "";
let otherOrigin = "";
let client: FirestoreAdminClient;

function clientWith(options: { maxResponseBytes?: number; maxAttempts?: number } = {}): FirestoreAdminClient {
  const transport = new Transport({
    auth: { headers: async () => ({ authorization: "Bearer test-token" }) },
    attemptTimeoutMs: ATTEMPT_MS,
    maxAttempts: options.maxAttempts ?? MAX_ATTEMPTS,
    backoff: { initialDelayMs: BACKOFF_MS, multiplier: 1, maxDelayMs: BACKOFF_MS, jitter: 0 },
    maxResponseBytes: options.maxResponseBytes ?? CAP,
  });
  return new FirestoreAdminClient(transport, endpoint);
}

before(async () => {
  for (const s of [server, otherServer]) await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
  otherOrigin = `http://127.0.0.1:${(otherServer.address() as AddressInfo).port}`;
  client = clientWith();
});

after(async () => {
  for (const s of [server, otherServer]) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

beforeEach(() => {
  hits = [];
  otherHits = [];
});

const json =
  (body: unknown, status = 200): Handler =>
  (_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

interface Outcome {
  value?: OperationView | undefined;
  error?: Error;
  ms: number;
}

/** Runs a call; fails (instead of hanging) when it has not settled within `limitMs`. */
async function settle(call: () => Promise<unknown>, limitMs = WORST_MS): Promise<Outcome> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: the call has not settled after ${limitMs} ms`)), limitMs);
  });
  try {
    const value = (await Promise.race([call(), hang])) as OperationView | undefined;
    return { value, ms: performance.now() - start };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("HANG:")) throw error;
    return { error: error as Error, ms: performance.now() - start };
  } finally {
    clearTimeout(timer);
  }
}

function expectError(outcome: Outcome, name: "MalformedResponseError" | "ApiRequestError", pattern?: RegExp): Error {
  assert.ok(outcome.error, `expected ${name}, got a result: ${JSON.stringify(outcome.value)}`);
  assert.equal(
    outcome.error.name,
    name,
    `expected ${name}, got ${outcome.error.constructor.name} ${outcome.error.name}: ${outcome.error.message}`,
  );
  assert.ok(isFirestoreOperationsError(outcome.error));
  if (pattern) assert.match(outcome.error.message, pattern);
  assert.ok(outcome.error.message.length < 2_500, `error message of ${outcome.error.message.length} chars`);
  return outcome.error;
}

function expectView(outcome: Outcome): OperationView {
  assert.equal(outcome.error, undefined, `unexpected error: ${outcome.error?.name}: ${outcome.error?.message}`);
  assert.ok(outcome.value);
  return outcome.value;
}

const get = () => settle(() => client.get(NAME));
const start = () => settle(() => client.start("exportDocuments", DB, { outputUriPrefix: "gs://bkt/x" }));

describe("malformed Operation JSON from operations.get", () => {
  const malformed: [string, unknown][] = [
    ["an empty object", {}],
    ["no name", { done: false, metadata: {} }],
    ["a number for name", { name: 42 }],
    ["another operation's name", { name: `${DB}/operations/SOMEONE_ELSE` }],
    ['done: "yes"', { name: NAME, done: "yes" }],
    ["done: 1", { name: NAME, done: 1 }],
    ["error: []", { name: NAME, done: true, error: [] }],
    ['error: "boom"', { name: NAME, done: true, error: "boom" }],
    ['error.code: "5"', { name: NAME, done: true, error: { code: "5", message: "x" } }],
    ["error.code: 1.5", { name: NAME, done: true, error: { code: 1.5 } }],
    ["an error on an operation that is not done", { name: NAME, done: false, error: { code: 13, message: "x" } }],
    ["progress as an object", { name: NAME, metadata: { progressDocuments: { completedWork: {} } } }],
    ["progress as an array", { name: NAME, metadata: { progressBytes: [1, 2] } }],
    ["negative progress", { name: NAME, metadata: { progressDocuments: { completedWork: -5 } } }],
    ["negative progress as a string", { name: NAME, metadata: { progressDocuments: { completedWork: "-5" } } }],
    ['"NaN" progress', { name: NAME, metadata: { progressDocuments: { estimatedWork: "NaN" } } }],
    ['"1e3" progress', { name: NAME, metadata: { progressBytes: { completedWork: "1e3" } } }],
    ["progress: true", { name: NAME, metadata: { progressDocuments: true } }],
    ["JSON null", null],
    ["a JSON array", [{ name: NAME }]],
    ["a JSON string", "just a string"],
    ["a JSON number", 7],
    ["an error envelope with 200 OK", { error: { code: 404, status: "NOT_FOUND", message: "gone" } }],
  ];
  for (const [what, body] of malformed) {
    test(`${what}: MalformedResponseError`, async () => {
      handler = json(body);
      expectError(await get(), "MalformedResponseError");
      assert.equal(hits.length, 1, "a malformed answer is not retried");
    });
  }

  // Regression (found by these tests, fixed): start() parses the answer with no expected name, so any non-empty string is
  // taken as the new operation's name and becomes the resource id. A name that parseOperationName refuses makes
  // every later refresh and destroy fail with InvalidInputError (the resource cannot be removed without editing
  // state); a valid name in another database makes destroy cancel someone else's operation.
  // Never taken as the id: the answer is unreadable, so it is ambiguous (an operation may exist) and the provider
  // looks for it (test/provider/unreadable-start.test.ts).
  test("start() answered with a name that is not an operation of the requested database: ambiguous, never the id", async () => {
    for (const name of [
      "../../evil",
      `${DB}/operations/../../x`,
      `${DB}/operations/a?b`,
      "https://evil.example/v1/op",
      "projects/other-project/databases/(default)/operations/AS1",
      `${DB}/operations/`,
    ]) {
      handler = json({ name, metadata: { operationState: "INITIALIZING" } });
      const outcome = await start();
      assert.ok(outcome.error, `start() accepted the operation name ${JSON.stringify(name)}`);
      expectError(outcome, "ApiRequestError");
      assert.equal((outcome.error as { ambiguous?: boolean }).ambiguous, true, "an unreadable success is ambiguous");
      assert.match(String(outcome.error), /unreadable answer/);
    }
  });

  test("unknown states and numbers for enums: kept as text, or mapped by wire number", async () => {
    const cases: [unknown, string][] = [
      ["EXPLODING", "EXPLODING"],
      [2, "PROCESSING"],
      [4, "FINALIZING"],
      [99, "OPERATION_STATE_UNSPECIFIED"],
      [-1, "OPERATION_STATE_UNSPECIFIED"],
      [2.5, "OPERATION_STATE_UNSPECIFIED"],
      [{}, "OPERATION_STATE_UNSPECIFIED"],
      [[], "OPERATION_STATE_UNSPECIFIED"],
      ["", "OPERATION_STATE_UNSPECIFIED"],
    ];
    for (const [raw, state] of cases) {
      handler = json({ name: NAME, metadata: { operationState: raw } });
      const view = expectView(await get());
      assert.equal(view.state, state, JSON.stringify(raw));
      assert.equal(view.done, false);
    }
    handler = json({ name: NAME, metadata: { operationState: "x".repeat(500_000) } });
    assert.ok(expectView(await get()).state.length <= 2_003, "a huge state is capped");
  });

  test("done: true with neither error nor response, no metadata: SUCCESSFUL or refused, never left running", async () => {
    handler = json({ name: NAME, done: true });
    const outcome = await get();
    if (outcome.error) expectError(outcome, "MalformedResponseError");
    else {
      const view = expectView(outcome);
      assert.equal(view.done, true);
      assert.equal(view.state, "SUCCESSFUL");
    }
  });

  // Regression (found by these tests, fixed): with done: true and no `error`, parseOperation derives SUCCESSFUL even when the
  // server's own metadata says FAILED or CANCELLED and there is no `response`: a failed export would be reported
  // as finished successfully (waitFor: "done" would pass).
  test("done: true without error or response, metadata FAILED/CANCELLED: never reported SUCCESSFUL", async () => {
    for (const state of ["FAILED", "CANCELLED", 6, 7]) {
      handler = json({ name: NAME, done: true, metadata: { operationState: state } });
      const outcome = await get();
      if (outcome.error) expectError(outcome, "MalformedResponseError");
      else assert.notEqual(expectView(outcome).state, "SUCCESSFUL", `metadata ${state}, no error, no response`);
    }
  });

  test("the result decides the terminal state; huge fields are capped", async () => {
    handler = json({
      name: NAME,
      done: true,
      error: { code: 1, message: "m".repeat(500_000) },
      metadata: {
        operationState: "SUCCESSFUL",
        collectionIds: Array.from({ length: 20_000 }, (_, i) => `c${i}`),
        outputUriPrefix: `gs://bkt/${"p".repeat(100_000)}`,
      },
    });
    const view = expectView(await get());
    assert.equal(view.state, "CANCELLED");
    assert.ok(view.error && view.error.message.length <= 2_003);
    assert.ok(view.request.collectionIds.length <= 1_000);
    assert.ok((view.outputUriPrefix ?? "").length <= 2_003);
  });

  // Regression (found by these tests, fixed): list() reads `json.operations` without checking that the body is an object,
  // so a `null` body throws a TypeError (list runs after an ambiguous start, to find what was started).
  test("operations.list answered with JSON null: a clear error, not a TypeError", async () => {
    handler = json(null);
    const outcome = await settle(() => client.list(DB, "done=false"));
    if (outcome.error) expectError(outcome, "MalformedResponseError");
    else assert.deepEqual(outcome.value, []);
  });

  test("operations.list with endless pages stops (50 pages at most)", async () => {
    let page = 0;
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ operations: [], nextPageToken: `p${++page}` }));
    };
    const outcome = await settle(() => client.list(DB), 10_000);
    assert.deepEqual(outcome.value, []);
    assert.ok(hits.length <= 50, `${hits.length} pages requested`);
  });

  test("operations.list with a junk operations field or a malformed operation", async () => {
    handler = json({ operations: "not a list" });
    assert.deepEqual((await settle(() => client.list(DB))).value, []);
    handler = json({ operations: [{ name: NAME }, { done: "yes" }] });
    expectError(await settle(() => client.list(DB)), "MalformedResponseError");
  });
});

describe("broken HTTP from the server", () => {
  test("invalid JSON, truncated JSON, empty 200, 204, HTML with 200: MalformedResponseError", async () => {
    for (const body of ['{"name":', "{'name': 1}", "", "<html><body>Hello</body></html>", "\uFEFF{}", "NaN"]) {
      handler = (_req, res) => {
        res.writeHead(200, { "content-type": body.startsWith("<") ? "text/html" : "application/json" });
        res.end(body);
      };
      expectError(await get(), "MalformedResponseError");
    }
    handler = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    expectError(await get(), "MalformedResponseError");
    // Invalid UTF-8 inside a string: decoded with replacement characters, then the name does not match.
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(Buffer.concat([Buffer.from(`{"name":"${NAME}`), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]));
    };
    expectError(await get(), "MalformedResponseError", /asked for/);
  });

  test("an HTML error page (502): ApiRequestError; GETs retried up to maxAttempts, the start POST sent once", async () => {
    handler = (_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end(`<html><title>502 Bad Gateway</title>${"<p>x</p>".repeat(10_000)}</html>`);
    };
    const error = expectError(await get(), "ApiRequestError", /: 502: HTTP 502$/);
    assert.equal((error as unknown as { httpStatus: number }).httpStatus, 502);
    assert.equal(hits.length, MAX_ATTEMPTS);
    hits = [];
    const post = expectError(await start(), "ApiRequestError", /502/);
    assert.equal((post as unknown as { ambiguous: boolean }).ambiguous, true, "a 502 on a POST may have started it");
    assert.equal(hits.length, 1, "export POSTs are never retried");
  });

  test("a huge error message is cut; the status is kept; 4xx are not retried", async () => {
    handler = json({ error: { code: 400, status: "INVALID_ARGUMENT", message: "e".repeat(900_000) } }, 400);
    const error = expectError(await get(), "ApiRequestError", /400 INVALID_ARGUMENT: e+\.\.\.$/);
    assert.ok(error.message.length < 1_200, `${error.message.length} chars`);
    assert.equal(hits.length, 1);
    handler = json({ error: { code: 500, status: "x".repeat(100_000), message: 42 } }, 500);
    const second = expectError(await get(), "ApiRequestError");
    assert.ok(second.message.length < 300, second.message.slice(0, 300));
  });

  test("an unusual status (299, 999) and a 1 MB response header", async () => {
    handler = json({ name: NAME }, 299);
    expectView(await get());
    handler = json({ error: { message: "odd" } }, 999);
    expectError(await get(), "ApiRequestError", /999/);
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "x-junk": "j".repeat(1_000_000) });
      res.end(JSON.stringify({ name: NAME }));
    };
    const outcome = await get();
    if (outcome.error) expectError(outcome, "ApiRequestError");
    else expectView(outcome);
  });

  test("a redirect to another host is not followed (no request, no token there)", async () => {
    for (const status of [301, 302, 307, 308]) {
      handler = (_req, res) => {
        res.writeHead(status, { location: `${otherOrigin}/v1/${NAME}` });
        res.end();
      };
      expectError(await get(), "ApiRequestError");
      expectError(await start(), "ApiRequestError");
      expectError(await settle(() => client.cancel(NAME)), "ApiRequestError");
    }
    assert.deepEqual(otherHits, []);
  });

  test(`10 MB with content-length: refused from the header, before any body byte (cap ${CAP})`, async () => {
    let headersSent = 0;
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(10 * 1024 * 1024) });
      res.flushHeaders();
      headersSent++;
      // No body byte ever comes: a client that read the body before deciding would end in a timeout instead.
    };
    const outcome = await get();
    expectError(outcome, "MalformedResponseError", /response of 10485760 bytes exceeds the 1048576-byte limit/);
    assert.ok(headersSent > 0, "the server sent the 10 MB header");
  });

  test("10 MB without content-length: cut at the cap, bounded memory, not everything was even sent", async () => {
    let written = 0;
    const total = 10 * 1024 * 1024;
    handler = (_req, res) => {
      written = 0;
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      res.writeHead(200, { "content-type": "application/json" });
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!res.write(chunk)) return;
        }
        res.end();
      };
      res.on("drain", pump);
      pump();
    };
    const { outcome, growth } = await measuringMemory(get);
    expectError(outcome, "MalformedResponseError", /response exceeds the 1048576-byte limit/);
    assert.ok(growth < 16e6, `memory grew by ${(growth / 1e6).toFixed(1)} MB for a ${CAP}-byte cap`);
    assert.ok(written < total, `the server could write all ${written} bytes: the client read on past the cap`);
  });

  test("an endless body at full speed: cut at the cap, long before the attempt timeout", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = () => {
        while (res.write(chunk)) {
          // until the socket pushes back
        }
      };
      res.on("drain", pump);
      pump();
    };
    const { outcome, growth } = await measuringMemory(get);
    expectError(outcome, "MalformedResponseError", /exceeds the 1048576-byte limit/);
    assert.ok(growth < 16e6, `memory grew by ${(growth / 1e6).toFixed(1)} MB`);
  });

  test("a response that never starts: timeouts per attempt, GETs retried, the POST sent once", async () => {
    handler = () => {
      // never answer
    };
    const outcome = await get();
    expectError(outcome, "ApiRequestError", /no response \(timeout\)/);
    assert.equal(hits.length, MAX_ATTEMPTS);
    assert.ok(outcome.ms >= MAX_ATTEMPTS * ATTEMPT_MS - 50, `${outcome.ms} ms`);
    hits = [];
    const post = await start();
    const error = expectError(post, "ApiRequestError", /no response \(timeout\)/);
    assert.equal((error as unknown as { ambiguous: boolean }).ambiguous, true);
    assert.equal(hits.length, 1);
  });

  const drip: Handler = (req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"name":');
    const timer = setInterval(() => res.write(" "), 50);
    req.socket.once("close", () => clearInterval(timer));
  };

  test("a body that drips forever: over within the configured timeouts", async () => {
    handler = drip;
    const outcome = await get();
    assert.ok(outcome.error, "no result from a body that never ends");
  });

  // Regression (found by these tests, fixed): provider/transport.ts reads the body (readCapped) outside the try/catch that turns
  // fetch failures into ApiRequestError. A body that stalls past the attempt timeout rejects with a raw
  // DOMException TimeoutError ("The operation was aborted due to timeout"), a reset mid-body with a raw TypeError
  // ("terminated"): GETs and cancels are not retried, and a start POST is not seen as ambiguous, so create()
  // never looks for the export it may have started.
  test("a body that drips forever: ApiRequestError, GETs retried, the POST ambiguous", async () => {
    handler = drip;
    expectError(await get(), "ApiRequestError");
    assert.equal(hits.length, MAX_ATTEMPTS, "a stalled GET is retried like one that never started");
    hits = [];
    const post = expectError(await start(), "ApiRequestError");
    assert.equal((post as unknown as { ambiguous: boolean }).ambiguous, true);
    assert.equal(hits.length, 1);
  });

  test("a connection reset in the middle of the body: ApiRequestError, GETs retried, the POST ambiguous", async () => {
    handler = (req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "500" });
      res.write(`{"name":"${NAME}",`);
      setTimeout(() => req.socket.destroy(), 20);
    };
    const get1 = await get();
    expectError(get1, "ApiRequestError");
    assert.equal(hits.length, MAX_ATTEMPTS);
    hits = [];
    const post = expectError(await start(), "ApiRequestError");
    assert.equal((post as unknown as { ambiguous: boolean }).ambiguous, true);
  });

  test("retry hints from a hostile server: never negative, never NaN; huge ones kept (the deadline is their ceiling)", () => {
    const now = Date.UTC(2026, 0, 1);
    const retryAfter = (header: string) => retryAfterHint(header, now)?.ms;
    assert.equal(retryAfter("-5"), 0, "a negative Retry-After means now");
    assert.equal(retryAfter("Thu, 01 Jan 1970 00:00:00 GMT"), 0, "a date in the past means now");
    assert.equal(retryAfter("999999999"), 999_999_999_000, "kept, not cut to a minute: the caller fails at once");
    assert.equal(retryAfter("Fri, 31 Dec 9999 23:59:59 GMT"), Date.UTC(9999, 11, 31, 23, 59, 59) - now);
    for (const junk of ["NaN", " ", "soon", "1e400"]) assert.equal(retryAfter(junk), undefined, junk);
    const info = (retryDelay: string) =>
      retryInfoHint([{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay }])?.ms;
    assert.equal(info("0s"), 0);
    assert.equal(info("-3s"), 0);
    assert.equal(info("1.500s"), 1_500);
    assert.equal(info("86400s"), 86_400_000);
    assert.equal(info("soon"), undefined);
  });
});

async function measuringMemory(call: () => Promise<Outcome>): Promise<{ outcome: Outcome; growth: number }> {
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = used();
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, used());
  }, 1);
  try {
    const outcome = await call();
    peak = Math.max(peak, used());
    return { outcome, growth: peak - base };
  } finally {
    clearInterval(sampler);
  }
}

describe("parseOperation on generated Operation JSON", () => {
  // Without the 1 MB strings (a handful of cases below has them): this property is about shapes.
  const junk = hostileValue([], { huge: false });
  const text = hostileString([], { huge: false });
  const int64 = fc.oneof(
    fc.nat().map(String),
    fc.nat(),
    fc.constantFrom("-1", "NaN", "1e3", "", " 1", "99999999999999999999999", -1, 1.5, Number.NaN),
    junk,
  );
  const progressArb = fc.oneof(fc.record({ completedWork: int64, estimatedWork: int64 }, { requiredKeys: [] }), junk);
  const metadataArb = fc.oneof(
    fc.record(
      {
        "@type": fc.oneof(
          fc.constantFrom("type.googleapis.com/google.firestore.admin.v1.ExportDocumentsMetadata"),
          text,
        ),
        operationState: fc.oneof(fc.integer({ min: -2, max: 10 }), fc.constantFrom("PROCESSING", "SUCCESSFUL"), junk),
        state: junk,
        progressDocuments: progressArb,
        progressBytes: progressArb,
        collectionIds: fc.oneof(fc.array(fc.oneof(text, junk), { maxLength: 5 }), junk),
        outputUriPrefix: junk,
        startTime: junk,
      },
      { requiredKeys: [], noNullPrototype: true },
    ),
    junk,
  );
  const operationArb = fc.record(
    {
      name: fc.oneof({ arbitrary: fc.constant(NAME), weight: 4 }, text, junk, fc.constant("n".repeat(1_000_000))),
      done: fc.oneof({ arbitrary: fc.boolean(), weight: 4 }, junk),
      error: fc.oneof(
        {
          arbitrary: fc.record(
            { code: fc.oneof({ arbitrary: fc.integer(), weight: 3 }, junk), message: fc.oneof(text, junk) },
            { requiredKeys: [], noNullPrototype: true },
          ),
          weight: 3,
        },
        junk,
      ),
      metadata: metadataArb,
      response: fc.oneof(fc.record({ outputUriPrefix: junk }, { requiredKeys: [], noNullPrototype: true }), junk),
    },
    { requiredKeys: [], noNullPrototype: true },
  );
  const RANDOM_RUNS = 5_000;
  const VALID_RUNS = 3_000;

  test(`${RANDOM_RUNS} random Operation-shaped values: a view or MalformedResponseError, nothing else`, (t) => {
    let parsed = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        operationArb,
        fc.boolean(),
        fc.option(fc.constant(NAME), { nil: undefined }),
        (op, viaWire, expected) => {
          const input = viaWire ? JSON.parse(JSON.stringify(op)) : op;
          let view: OperationView;
          try {
            view = parseOperation(input, expected);
          } catch (error) {
            if (!(error instanceof Error) || error.name !== "MalformedResponseError") {
              throw new Error(`parseOperation threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
            }
            assert.ok(error.message.length < 2_500, `error message of ${error.message.length} chars`);
            refused++;
            return;
          }
          parsed++;
          assert.equal(typeof view.done, "boolean");
          assert.ok(typeof view.name === "string" && view.name !== "" && view.name.length <= 2_003);
          if (expected !== undefined) assert.equal(view.name, expected);
          assert.ok(typeof view.state === "string" && view.state !== "" && view.state.length <= 2_003);
          if (view.done) assert.ok(["SUCCESSFUL", "FAILED", "CANCELLED"].includes(view.state), view.state);
          else assert.equal(view.error, undefined);
          for (const p of [view.documents, view.bytes]) {
            if (!p) continue;
            assert.ok(Number.isFinite(p.completed) && p.completed >= 0);
            assert.ok(Number.isFinite(p.estimated) && p.estimated >= 0);
          }
          assert.ok(view.request.collectionIds.every((c) => typeof c === "string" && c.length <= 2_003));
          assert.ok(view.request.collectionIds.length <= 1_000);
        },
      ),
      { numRuns: RANDOM_RUNS },
    );
    t.diagnostic(`${parsed + refused} runs: ${parsed} parsed, ${refused} refused`);
    assert.ok(parsed > 0 && refused > 0);
  });

  const STATES = ["INITIALIZING", "PROCESSING", "CANCELLING", "FINALIZING"];
  test(`${VALID_RUNS} valid Operations round-trip done, state, progress and error`, () => {
    fc.assert(
      fc.property(
        fc.record({
          done: fc.boolean(),
          state: fc.constantFrom(...STATES, "SUCCESSFUL", "FAILED", "CANCELLED"),
          numericState: fc.boolean(),
          docs: fc.option(fc.tuple(fc.nat(), fc.nat()), { nil: undefined }),
          bytes: fc.option(fc.tuple(fc.nat(), fc.nat()), { nil: undefined }),
          int64AsString: fc.boolean(),
          error: fc.option(
            fc.record(
              { code: fc.integer({ min: 1, max: 16 }), message: fc.string({ maxLength: 100 }) },
              { noNullPrototype: true },
            ),
            { nil: undefined },
          ),
        }),
        (m) => {
          const state = m.done ? (m.error ? (m.error.code === 1 ? "CANCELLED" : "FAILED") : "SUCCESSFUL") : m.state;
          const int = (n: number) => (m.int64AsString ? String(n) : n);
          const progress = (p: [number, number] | undefined) =>
            p && { ...(p[0] ? { completedWork: int(p[0]) } : {}), ...(p[1] ? { estimatedWork: int(p[1]) } : {}) };
          const wire = JSON.parse(
            JSON.stringify({
              name: NAME,
              ...(m.done ? { done: true } : {}),
              metadata: {
                "@type": "type.googleapis.com/google.firestore.admin.v1.ExportDocumentsMetadata",
                operationState: m.numericState ? (OPERATION_STATES as readonly string[]).indexOf(state) : state,
                ...(m.docs ? { progressDocuments: progress(m.docs) } : {}),
                ...(m.bytes ? { progressBytes: progress(m.bytes) } : {}),
              },
              ...(m.done && m.error ? { error: m.error } : {}),
              ...(m.done && !m.error ? { response: { "@type": "x", outputUriPrefix: "gs://bkt/out" } } : {}),
            }),
          );
          const view = parseOperation(wire, NAME);
          assert.equal(view.done, m.done);
          assert.equal(view.state, state);
          assert.equal(view.metadataType, "ExportDocumentsMetadata");
          if (m.docs) assert.deepEqual(view.documents, { completed: m.docs[0], estimated: m.docs[1] });
          else assert.equal(view.documents, undefined);
          if (m.bytes) assert.deepEqual(view.bytes, { completed: m.bytes[0], estimated: m.bytes[1] });
          if (m.done && m.error) assert.deepEqual(view.error, m.error);
          else assert.equal(view.error, undefined);
        },
      ),
      { numRuns: VALID_RUNS },
    );
  });
});
